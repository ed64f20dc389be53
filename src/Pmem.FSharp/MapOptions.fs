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
        Source: PmemSource option
        Offset: int64
        Protection: PmemProtection
        Sharing: PmemSharing
        RequiredGranularity: PmemGranularity option
    }

    member options.UsesSource =
        options.Source.IsSome
        || options.Offset <> 0L
        || (options.Length <> 0L && not (options.Flags.HasFlag PmemFileFlags.Create))
        || options.Protection <> PmemProtection.ReadWrite
        || options.Sharing <> PmemSharing.Shared
        || options.RequiredGranularity.IsSome

[<RequireQualifiedAccess>]
module MapOptions =
    let existing =
        {
            Length = 0L
            Flags = PmemFileFlags.None
            Mode = PmemFile.DefaultMode
            Existing = ExistingFile.Resize
            Source = None
            Offset = 0L
            Protection = PmemProtection.ReadWrite
            Sharing = PmemSharing.Shared
            RequiredGranularity = None
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

    let ofSource source = { existing with Source = Some source }

    let ofHandle handle = ofSource (PmemSource.FromHandle handle)

    let anonymous size = ofSource (PmemSource.FromAnonymous size)

    let range offset length options =
        { options with
            Offset = offset
            Length = length
        }

    let readOnly options =
        { options with
            Protection = PmemProtection.Read
        }

    let privateCopy options =
        { options with
            Sharing = PmemSharing.Private
        }

    let requireGranularity granularity options =
        { options with
            RequiredGranularity = Some granularity
        }

    let toConfig (options: MapOptions) =
        PmemMapConfig(
            Offset = options.Offset,
            Length = options.Length,
            Protection = options.Protection,
            Sharing = options.Sharing,
            RequiredGranularity = Option.toNullable options.RequiredGranularity
        )
