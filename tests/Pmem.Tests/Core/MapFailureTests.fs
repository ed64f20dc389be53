/// Failures that must never lose data or crash: a map that fails leaves an existing file as it was, bad paths and
/// modes are refused before anything is touched, a full file system under a sparse mapping is an error (not SIGBUS),
/// and argument errors name what is wrong.
module Pmem.Tests.MapFailureTests

open System
open System.IO
open Expecto
open Pmem
open Pmem.Tests.TestDsl

let private fileState (path: string) =
    File.ReadAllBytes path, File.GetUnixFileMode path

let private failedMaps =
    testList
        "failed maps leave files as they were"
        [ testCase "Create that shrinks a file, when the mmap fails for lack of address space: size, bytes and mode unchanged" (fun () ->
              use dir = diskDir ()
              let path = dir.File "victim.pmem"
              let bytes = Array.init (64 <<< 20) (fun i -> byte (i * 7 + i / 4096))
              File.WriteAllBytes(path, bytes)
              File.SetUnixFileMode(path, UnixFileMode.UserRead ||| UnixFileMode.UserWrite ||| UnixFileMode.GroupRead)
              let before = fileState path
              LifetimeTests.runChild [] [ "address-limit"; path; string (48L <<< 20) ] =! "ENOMEM"
              let after = fileState path
              Expect.equal (fst after).Length (fst before).Length "size unchanged"
              Expect.isTrue (fst after = fst before) "bytes unchanged"
              snd after =! snd before)

          testCase "maps made at once on several threads, where the file system refuses MAP_SYNC, never land on each other" (fun () ->
              // Each map asks for MAP_SYNC; ext4 and XFS refuse it only after the kernel took the target range down,
              // and another thread's mapping could be placed in that hole and then be mapped over.
              LifetimeTests.concurrentMaps 4.0)

          testCase "a NUL in the path is refused with ArgumentException before anything is touched" (fun () ->
              use dir = diskDir ()
              let victim = dir.File "victim"
              File.WriteAllBytes(victim, Array.create 16384 5uy)
              for attempt in [ (fun () -> PmemFile.Map(victim + "\000.new", 4096L, PmemFileFlags.Create) |> ignore)
                               (fun () -> PmemFile.TryMap(victim + "\000", 4096L, PmemFileFlags.Create, PmemFile.DefaultMode) |> ignore) ] do
                  let e = catchT<ArgumentException> attempt
                  e.ParamName =! "path"
              File.ReadAllBytes victim =! Array.create 16384 5uy
              Directory.GetFiles dir.Path =! [| victim |])

          testCase "mode bits outside 0o777 are refused and no file is created" (fun () ->
              use dir = diskDir ()
              let path = dir.File "setuid.pmem"
              for mode in [ enum<UnixFileMode> 0o7777; UnixFileMode.SetUser ||| UnixFileMode.UserRead; UnixFileMode.StickyBit ] do
                  let e = catchT<ArgumentException> (fun () -> PmemFile.Map(path, 4096L, PmemFileFlags.Create, mode) |> ignore)
                  e.ParamName =! "mode"
              File.Exists path =! false)

          testCase "Create through a dangling symbolic link creates the link's target (as open(2) does)" (fun () ->
              use dir = diskDir ()
              let target = dir.File "target.pmem"
              let link = dir.File "link.pmem"
              File.CreateSymbolicLink(link, "target.pmem") |> ignore
              do
                  use m = PmemFile.Map(link, 8192L, PmemFileFlags.Create)
                  m.Length =! 8192L
              (FileInfo target).Length =! 8192L
              (FileInfo link).LinkTarget =! "target.pmem"
              // Exclusive refuses the link, as O_EXCL does.
              File.Delete target
              let e = catchT<PmemException> (fun () -> PmemFile.Map(link, 8192L, PmemFileFlags.Create ||| PmemFileFlags.Exclusive) |> ignore)
              e.ErrnoName =! "EEXIST"
              File.Exists target =! false)

          testCase "a failed Create through a dangling link removes the target it made, not the link" (fun () ->
              use dir = diskDir ()
              let link = dir.File "link.pmem"
              File.CreateSymbolicLink(link, "target.pmem") |> ignore
              // More than any file system here holds: the allocation fails after the file was created.
              catchT<PmemException> (fun () -> PmemFile.Map(link, 1L <<< 50, PmemFileFlags.Create) |> ignore) |> ignore
              File.Exists(dir.File "target.pmem") =! false
              (FileInfo link).LinkTarget =! "target.pmem")

          testCase "Create in a missing directory says the directory is missing (not 'pass Create')" (fun () ->
              use dir = diskDir ()
              let e = catchT<PmemException> (fun () -> PmemFile.Map(dir.File "no/such.pmem", 4096L, PmemFileFlags.Create) |> ignore)
              e.ErrnoName =! "ENOENT"
              Expect.isFalse (e.Message.Contains("PmemFileFlags.Create", StringComparison.OrdinalIgnoreCase)) e.Message
              Expect.stringContains e.Message "directory" "names the missing directory") ]

let private argumentErrors =
    testList
        "argument errors"
        [ testCase "ArgumentOutOfRangeException names the argument that is wrong" (fun () ->
              use dir = diskDir ()
              use m = PmemFile.Map(dir.File "r.pmem", 4096L, PmemFileFlags.Create)
              for offset, length, name in [ -1L, 1L, "offset"; 5000L, 0L, "offset"; 0L, 5000L, "length"; 10L, -1L, "length"; 4000L, 100L, "length" ] do
                  let e = catchT<ArgumentOutOfRangeException> (fun () -> m.Persist(offset, length))
                  Expect.equal e.ParamName name $"Persist({offset}, {length})")

          testCase "a bad range on a disposed mapping throws ObjectDisposedException" (fun () ->
              use dir = diskDir ()
              let m = PmemFile.Map(dir.File "d.pmem", 4096L, PmemFileFlags.Create)
              m.Dispose()
              for f in [ (fun () -> m.Persist(-1L, 1L)); (fun () -> m.Fill(0L, 1uy, 99999L)); (fun () -> m.GetSpan(-5L, 1).Length |> ignore); (fun () -> m.Lease(0L, 99999).Dispose()) ] do
                  catchT<ObjectDisposedException> f |> ignore) ]

/// Mounts a 1 MiB tmpfs (root only), runs body in it, unmounts.
let private withFullTmpfs (body: string -> unit) =
    if Native.geteuid () <> 0u then skip "needs root to mount a small tmpfs"
    use dir = diskDir ()
    let code, output = run "mount" [ "-t"; "tmpfs"; "-o"; "size=1M"; "pmem-tests"; dir.Path ]
    if code <> 0 then skip $"cannot mount a tmpfs here: {output}"
    try
        body dir.Path
    finally
        run "umount" [ dir.Path ] |> ignore

let private sparse =
    testList
        "sparse mappings"
        [ yield testCase "which mappings are sparse" (fun () ->
              use dir = shmDir ()
              let isSparse path length flags =
                  use m = PmemFile.Map(path, length, flags)
                  m.IsSparse
              isSparse (dir.File "s") 65536L (PmemFileFlags.Create ||| PmemFileFlags.Sparse) =! true
              isSparse (dir.File "d") 65536L PmemFileFlags.Create =! false
              isSparse (dir.File "s") 0L PmemFileFlags.None =! true // still has holes
              File.WriteAllBytes(dir.File "w", Array.create 65536 1uy)
              isSparse (dir.File "w") 0L PmemFileFlags.None =! false)

          yield testCase "writes into a sparse mapping read back, across pages and holes" (fun () ->
              use dir = shmDir ()
              let path = dir.File "sparse.pmem"
              do
                  use m = PmemFile.Map(path, 1L <<< 20, PmemFileFlags.Create ||| PmemFileFlags.Sparse)
                  m.Copy(4090L, ReadOnlySpan(Array.create 20 1uy))
                  m.Fill(300000L, 2uy, 70000L)
                  m.Move(600000L, 4090L, 20L)
                  use lease = m.Lease(900000L, 5000)
                  lease.Span.Fill 3uy
              let bytes = File.ReadAllBytes path
              bytes[4090..4109] =! Array.create 20 1uy
              bytes[300000..369999] =! Array.create 70000 2uy
              bytes[600000..600019] =! Array.create 20 1uy
              bytes[900000..904999] =! Array.create 5000 3uy
              bytes[4089] =! 0uy
              bytes[370000] =! 0uy)

          for pmem in [ true; false ] do
              yield testCase $"a full file system under a sparse mapping is ENOSPC with nothing stored, never SIGBUS (pmem={pmem})" (fun () ->
                  withFullTmpfs (fun mount ->
                      let environment = if pmem then [] else [ "PMEM_IS_PMEM_FORCE", "0" ]
                      LifetimeTests.runChild environment [ "disk-full"; Path.Combine(mount, "sparse.pmem") ] =! "ok")) ]

let tests =
    testList "Failures" [ failedMaps; argumentErrors; sparse ]
