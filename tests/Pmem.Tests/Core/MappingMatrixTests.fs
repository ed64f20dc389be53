/// pmem_map_file's flag × length matrix: errno, mapped length, file presence and contents before/after.
module Pmem.Tests.MappingMatrixTests

open System
open System.IO
open Expecto
open Pmem
open Pmem.Tests.TestDsl

let private EINVAL, ENOENT, EEXIST, EFBIG, ENOSPC, ENOMEM = 22, 2, 17, 27, 28, 12

/// A length no file system here can hold (1 PiB): fallocate or ftruncate fail, or mmap finds no address space.
let tooLarge = 1L <<< 50
let private lengths = [ 0L; -1L; 4096L; tooLarge ]
let private existingSize = 8192

/// What libpmem's rules say one case must do.
type Expected =
    | Maps of mappedLength: int64
    | Fails of errnos: int list

/// The rules of pmem_map_file (libpmem-reference.md §1.1), written out independently of the implementation.
let expected (flags: PmemFileFlags) (length: int64) (exists: bool) =
    let has f = flags.HasFlag f
    let create, excl, temp = has PmemFileFlags.Create, has PmemFileFlags.Exclusive, has PmemFileFlags.TempFile
    let tooBig = [ EFBIG; ENOSPC; ENOMEM ]

    if create && length < 0L then Fails [ EINVAL ]
    elif not create && length <> 0L then Fails [ EINVAL ]
    elif create && length = 0L then Fails [ EINVAL ]
    elif temp && not create then Fails [ EINVAL ]
    elif temp then (if not exists then Fails [ ENOENT ] elif length = tooLarge then Fails tooBig else Maps length)
    elif not create then (if exists then Maps(int64 existingSize) else Fails [ ENOENT ])
    elif exists && excl then Fails [ EEXIST ]
    elif length = tooLarge then Fails tooBig
    else Maps length

let private flagName (flags: PmemFileFlags) =
    [ PmemFileFlags.Create, "C"; PmemFileFlags.Exclusive, "E"; PmemFileFlags.Sparse, "S"; PmemFileFlags.TempFile, "T" ]
    |> List.choose (fun (f, n) -> if flags.HasFlag f then Some n else None)
    |> String.concat ""
    |> fun s -> if s = "" then "-" else s

let private pattern = Array.init existingSize (fun i -> byte (i * 7 + 3))

/// Sets up one case: a directory, and (when 'exists') either the file with a known pattern or, for TempFile, the
/// directory itself; returns the path to pass.
let private arrange (dir: TempDir) (flags: PmemFileFlags) (exists: bool) =
    if flags.HasFlag PmemFileFlags.TempFile then
        if exists then dir.Path else Path.Combine(dir.Path, "missing-dir")
    else
        let path = dir.File "target.pmem"
        if exists then File.WriteAllBytes(path, pattern)
        path

let private case (flags: PmemFileFlags) (length: int64) (exists: bool) =
    let name = sprintf "%s len=%d %s" (flagName flags) length (if exists then "existing" else "missing")

    testCase name (fun () ->
        use dir = diskDir ()
        let path = arrange dir flags exists
        let entriesBefore = Directory.GetFileSystemEntries dir.Path |> Array.sort
        let outcome = PmemFile.TryMap(path, length, flags, PmemFile.DefaultMode)

        match expected flags length exists, outcome with
        | Maps mappedLength, (true, mapping, _) ->
            use mapping = mapping
            mapping.Length =! mappedLength
            let visible = mapping.GetSpan(0L, int (min mappedLength 8192L)).ToArray()

            if flags.HasFlag PmemFileFlags.TempFile then
                mapping.Path =! null
                Array.forall ((=) 0uy) visible =! true
            elif exists then
                // Existing bytes stay where they were (Create truncates to the new length, keeping the prefix).
                visible =! Array.sub pattern 0 visible.Length
            else
                Array.forall ((=) 0uy) visible =! true

            mapping.Dispose()

            if flags.HasFlag PmemFileFlags.TempFile then
                Directory.GetFileSystemEntries dir.Path |> Array.sort =! entriesBefore
            else
                FileInfo(path).Length =! mappedLength
        | Fails errnos, (false, _, error) ->
            Expect.contains errnos error.Errno $"errno {error.Errno} ({error.Message})"
            Expect.isNonEmpty error.Message "a message"
            // Nothing left behind, nothing changed.
            Directory.GetFileSystemEntries dir.Path |> Array.sort =! entriesBefore
            if exists && not (flags.HasFlag PmemFileFlags.TempFile) then
                File.ReadAllBytes path =! pattern
        | Maps _, (false, _, error) -> failtestf "expected a mapping, got %s" error.Message
        | Fails errnos, (true, mapping, _) ->
            mapping.Dispose()
            failtestf "expected errno %A, got a mapping" errnos)

let private allFlags = [ for f in 0..15 -> enum<PmemFileFlags> f ]

/// The same case through Debian's libpmem: success and errno must agree (file clean-up may differ: Pmem removes a
/// file it created on any failure, libpmem only with Create|Exclusive).
let private differential (flags: PmemFileFlags) (length: int64) (exists: bool) =
    let name = sprintf "%s len=%d %s" (flagName flags) length (if exists then "existing" else "missing")

    testCase name (fun () ->
        Native.Libpmem.require ()
        use ours = diskDir ()
        use theirs = diskDir ()
        let mine =
            match PmemFile.TryMap(arrange ours flags exists, length, flags, PmemFile.DefaultMode) with
            | true, m, _ ->
                use m = m
                Ok m.Length
            | _, _, e -> Error e.Errno
        let libpmem =
            Native.Libpmem.mapFile (arrange theirs flags exists) length (int flags) 0o666u |> Result.map fst
        match mine, libpmem with
        | Error a, Error b when a <> b && List.contains a [ EFBIG; ENOSPC; ENOMEM ] && List.contains b [ EFBIG; ENOSPC; ENOMEM ] ->
            () // both refuse an impossible length; which limit trips first is a file-system detail
        | _ -> mine =! libpmem)

let tests =
    testList
        "Mapping matrix"
        [ testList "flags x length x existence" [ for f in allFlags do for l in lengths do for e in [ false; true ] -> case f l e ]
          testList "same as libpmem" [ for f in allFlags do for l in lengths do for e in [ false; true ] -> differential f l e ]
          testCase "undefined flag bits give EINVAL" (fun () ->
              use dir = diskDir ()
              match PmemFile.TryMap(dir.File "x", 4096L, enum<PmemFileFlags> 0x10 ||| PmemFileFlags.Create, PmemFile.DefaultMode) with
              | true, m, _ ->
                  m.Dispose()
                  failtest "mapped"
              | _, _, e ->
                  e.Errno =! EINVAL
                  File.Exists(dir.File "x") =! false) ]
