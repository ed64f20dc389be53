namespace Pmem.FSharp

open System.IO
open Pmem

[<RequireQualifiedAccess>]
type ExistingFile =
    | Resize
    | Keep

type MapOptions =
    {
        Length: int64
        Flags: PmemFileFlags
        Mode: UnixFileMode
        Existing: ExistingFile
    }

[<RequireQualifiedAccess>]
module MapOptions =
    let existing =
        {
            Length = 0L
            Flags = PmemFileFlags.None
            Mode = PmemFile.DefaultMode
            Existing = ExistingFile.Resize
        }

    let createOrResize length =
        { existing with
            Length = length
            Flags = PmemFileFlags.Create
        }

    let create length = createOrResize length

    let openOrCreate length =
        { createOrResize length with
            Existing = ExistingFile.Keep
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
