/// MapOptions.openOrCreate: map a file, creating it if missing, and never shrink one that exists (libpmem's
/// pmem_map_file with PMEM_FILE_CREATE sets an existing file's length exactly, truncating a longer one).
module internal Pmem.FSharp.OpenOrCreate

open System.Runtime.InteropServices
open Pmem

/// How many times a create that lost a race (the file appeared after open said ENOENT) starts over.
[<Literal>]
let private Attempts = 8

let private error (errno: int) (what: string) (path: string) =
    let message = $"{what} '{path}' failed: {Marshal.GetPInvokeErrorMessage errno} ({ErrnoNames.Name errno})."
    Error(PmemException(errno, message, path))

/// Makes a regular file at least <paramref name="length"/> bytes long without ever shrinking it: posix_fallocate of
/// <c>[0, length)</c> (its blocks reserved, as Create does), or with Sparse of the last byte only (the file grows with
/// a hole). posix_fallocate never reduces a file's size, so a file another process grows meanwhile is kept whole.
/// A device (device DAX) is left as it is.
let private reserve (fd: int) (length: int64) (sparse: bool) (path: string) =
    let mutable stat = Unchecked.defaultof<Interop.Libc.StatBuffer>

    if Interop.Libc.fstat (fd, &stat) <> 0 then
        error (Marshal.GetLastPInvokeError()) "fstat" path
    elif stat.st_mode &&& Interop.Libc.S_IFMT <> Interop.Libc.S_IFREG then
        Ok()
    elif sparse && stat.st_size >= length then
        Ok()
    else
        let offset, count = if sparse then length - 1L, 1L else 0L, length

        match Interop.Libc.posix_fallocate (fd, offset, count) with
        | 0 -> Ok()
        | errno -> error errno "posix_fallocate" path

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
        let fd, errno =
            if path.Contains '\000' then
                -1, 0
            else
                match Interop.Libc.``open`` (path, Interop.Libc.O_RDWR ||| Interop.Libc.O_CLOEXEC, 0u) with
                | -1 -> -1, Marshal.GetLastPInvokeError()
                | fd -> fd, 0

        if fd >= 0 then
            let reserved =
                try
                    reserve fd options.Length sparse path
                finally
                    Interop.Libc.close fd |> ignore

            reserved |> Result.bind mapWhole
        elif errno = Interop.Errno.ENOENT && remaining > 0 then
            // Missing: create it exclusively, so that a file someone else creates meanwhile is never resized.
            let flags = options.Flags ||| PmemFileFlags.Create ||| PmemFileFlags.Exclusive

            match PmemFile.TryMap(path, options.Length, flags, options.Mode) with
            | true, mapping, _ -> Ok(nonNull mapping)
            | false, _, e when (nonNull e).Errno = Interop.Errno.EEXIST -> attempt (remaining - 1)
            | false, _, e -> Error(nonNull e)
        else
            // The core says why the path cannot be opened (EACCES, EISDIR, a missing directory, …) as for any map.
            mapWhole ()

    if obj.ReferenceEquals(path, null) then
        mapWhole ()
    else
        attempt Attempts
