/// MapOptions.openOrCreate: map a file, creating it if missing, and never shrink one that exists (libpmem's
/// pmem_map_file with PMEM_FILE_CREATE sets an existing file's length exactly, truncating a longer one).
module internal Pmem.FSharp.OpenOrCreate

open Pmem

/// How many times a create that lost a race (the file appeared after open said ENOENT) starts over.
[<Literal>]
let private Attempts = 8

/// Opens or creates <paramref name="path"/> and maps it whole; an existing file shorter than
/// <c>options.Length</c> is extended to it, a longer one is kept as it is.
/// Errors are the core's PmemException (with errno and path), for mapFile to throw and tryMapFile to convert.
let map (options: MapOptions) (path: string) : Result<PmemMapping, PmemException> =
    let sparse = options.Flags.HasFlag PmemFileFlags.Sparse

    let mapWhole () =
        match PmemFile.TryMap(path, 0L, PmemFileFlags.None, options.Mode) with
        | true, mapping, _ -> Ok(nonNull mapping)
        | false, _, e -> Error(nonNull e)

    let rec attempt remaining =
        // A path with a NUL is left to the core, which rejects it before touching anything.
        // An existing file grows to the length (posix_fallocate never shrinks it); a device is left as it is.
        let outcome, error =
            if path.Contains '\000' then
                ExistingFileOutcome.Unopenable, null
            else
                ExistingFileReservation.Reserve(path, options.Length, sparse)

        match outcome with
        | ExistingFileOutcome.Reserved -> mapWhole ()
        | ExistingFileOutcome.Failed -> Error(nonNull error)
        | ExistingFileOutcome.Missing when remaining > 0 ->
            // Missing: create it exclusively, so that a file someone else creates meanwhile is never resized.
            let flags = options.Flags ||| PmemFileFlags.Create ||| PmemFileFlags.Exclusive

            match PmemFile.TryMap(path, options.Length, flags, options.Mode) with
            | true, mapping, _ -> Ok(nonNull mapping)
            | false, _, e when (nonNull e).Kind = PmemErrorKind.AlreadyExists -> attempt (remaining - 1)
            | false, _, e -> Error(nonNull e)
        | _ ->
            // The core says why the path cannot be opened (EACCES, EISDIR, a missing directory, …) as for any map.
            mapWhole ()

    if obj.ReferenceEquals(path, null) then
        mapWhole ()
    else
        attempt Attempts
