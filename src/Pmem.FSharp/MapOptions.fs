namespace Pmem.FSharp

open System.IO
open Pmem

type MapOptions =
    {
        Length: int64
        Flags: PmemFileFlags
        Mode: UnixFileMode
    }

[<RequireQualifiedAccess>]
module MapOptions =
    let existing =
        {
            Length = 0L
            Flags = PmemFileFlags.None
            Mode = PmemFile.DefaultMode
        }

    let create length =
        { existing with
            Length = length
            Flags = PmemFileFlags.Create
        }

    let createNew length =
        { existing with
            Length = length
            Flags = PmemFileFlags.Create ||| PmemFileFlags.Exclusive
        }

    let temporary length =
        { existing with
            Length = length
            Flags = PmemFileFlags.Create ||| PmemFileFlags.TempFile
        }

    let sparse options =
        { options with Flags = options.Flags ||| PmemFileFlags.Sparse }

    let withMode mode options = { options with Mode = mode }
