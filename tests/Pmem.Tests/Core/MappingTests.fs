/// PmemFile.Map and PmemMapping beyond the flag matrix: contents, alignment, temp files, permissions, disposal.
module Pmem.Tests.MappingTests

open System
open System.IO
open System.Threading
open Expecto
open Hedgehog
open Hedgehog.FSharp
open Pmem
open Pmem.Tests.TestDsl

let private map path length flags = PmemFile.Map(path, length, flags, PmemFile.DefaultMode)

let private errnoOf (f: unit -> unit) =
    try
        f ()
        None
    with :? PmemException as e ->
        Some e.Errno

let private contents =
    testList
        "contents"
        [ testProperty "bytes written through a mapping are read back after remap"
          <| property {
              let! size = Gen.int64 (Range.exponential 1L (1L <<< 20))
              let! offset = Gen.int64 (Range.linear 0L (size - 1L))
              let! data = Gen.array (Range.linear 1 (int (min 4096L (size - offset)))) (Gen.byte (Range.constantBounded ()))
              use dir = diskDir ()
              let path = dir.File "p.pmem"
              do
                  use m = map path size PmemFileFlags.Create
                  m.Copy(offset, ReadOnlySpan data)
              use again = map path 0L PmemFileFlags.None
              again.Length =! size
              let back = Array.zeroCreate data.Length
              again.Read(offset, Span back)
              back =! data
              // Everything else is still zero.
              let all = Array.zeroCreate (int size)
              again.Read(0L, Span all)
              Array.fill all (int offset) data.Length 0uy
              Array.forall ((=) 0uy) all =! true
          }

          testProperty "Create sets exactly the requested length, zero-filled, space allocated unless Sparse"
          <| property {
              let! size = Gen.int64 (Range.exponential 1L (8L <<< 20))
              let! sparse = Gen.bool
              use dir = diskDir ()
              let path = dir.File "c.pmem"
              let flags = if sparse then PmemFileFlags.Create ||| PmemFileFlags.Sparse else PmemFileFlags.Create
              use m = map path size flags
              m.Length =! size
              FileInfo(path).Length =! size
              let sample = m.GetSpan(size - 1L, 1).[0]
              sample =! 0uy
              let mutable st = Unchecked.defaultof<Interop.Libc.StatBuffer>
              Interop.Libc.stat (path, &st) =! 0
              if not sparse then
                  Expect.isGreaterThanOrEqual (st.st_blocks * 512L) size "allocated"
          }

          testCase "Create|Sparse of 1 GiB allocates (almost) nothing" (fun () ->
              use dir = diskDir ()
              let path = dir.File "sparse.pmem"
              use _m = map path (1L <<< 30) (PmemFileFlags.Create ||| PmemFileFlags.Sparse)
              let mutable st = Unchecked.defaultof<Interop.Libc.StatBuffer>
              Interop.Libc.stat (path, &st) =! 0
              Expect.isLessThan (st.st_blocks * 512L) (1L <<< 20) "sparse")

          testCase "an existing empty file cannot be mapped whole" (fun () ->
              use dir = diskDir ()
              let path = dir.File "empty"
              File.WriteAllBytes(path, [||])
              errnoOf (fun () -> map path 0L PmemFileFlags.None |> ignore) =! Some 22)

          testCase "a created file gets the mode, less the umask" (fun () ->
              use dir = diskDir ()
              let path = dir.File "mode.pmem"
              let mode = UnixFileMode.UserRead ||| UnixFileMode.UserWrite ||| UnixFileMode.GroupRead
              use _m = PmemFile.Map(path, 4096L, PmemFileFlags.Create, mode)
              let expectedMode = int mode &&& ~~~(int (Native.currentUmask ()))
              int (File.GetUnixFileMode path) =! expectedMode)

          testCase "a directory without TempFile is refused with EISDIR" (fun () ->
              use dir = diskDir ()
              errnoOf (fun () -> map dir.Path 0L PmemFileFlags.None |> ignore) =! Some 21)

          testCase "Create on an existing larger file truncates it to the length" (fun () ->
              use dir = diskDir ()
              let path = dir.File "shrink.pmem"
              File.WriteAllBytes(path, Array.create 10000 7uy)
              do
                  use m = map path 100L PmemFileFlags.Create
                  m.Length =! 100L
              File.ReadAllBytes path =! Array.create 100 7uy) ]

let private placement =
    testList
        "placement"
        [ testCase "mappings start on a 2 MiB boundary" (fun () ->
              use dir = diskDir ()
              for size in [ 4096L; 3L <<< 20; 100L <<< 20 ] do
                  use m = map (dir.File $"a{size}") size (PmemFileFlags.Create ||| PmemFileFlags.Sparse)
                  (int64 m.Address % (2L <<< 20)) =! 0L)

          testCase "mappings of 2 GiB or more start on a 1 GiB boundary" (fun () ->
              use dir = diskDir ()
              use m = map (dir.File "big") (2L <<< 30) (PmemFileFlags.Create ||| PmemFileFlags.Sparse)
              (int64 m.Address % (1L <<< 30)) =! 0L)

          testCase "PMEM_MMAP_HINT places the mapping at the hinted address when it is free" (fun () ->
              use dir = diskDir ()
              let hint = 0x5a5a_0000_0000n // 2 MiB aligned, far from where the kernel places mappings
              use _ = withOptions (PmemOptions(MmapHint = Nullable hint))
              use m = map (dir.File "hinted") 4096L PmemFileFlags.Create
              m.Address =! hint)

          testCase "on a file system without DAX the kernel refuses MAP_SYNC and the mapping is not pmem" (fun () ->
              use dir = diskDir ()
              use _ = withOptions PmemOptions.Default
              use m = map (dir.File "nosync") 4096L PmemFileFlags.Create
              m.IsMapSync =! false
              m.IsPmem =! false
              Expect.stringContains m.IsPmemReason "MAP_SYNC" "the reason names MAP_SYNC"
              PersistentMemory.IsPmem(NativeInterop.NativePtr.toVoidPtr (NativeInterop.NativePtr.ofNativeInt<byte> m.Address), 4096un) =! false)

          testCase "PMEM_IS_PMEM_FORCE decides is-pmem for new mappings and for PersistentMemory.IsPmem" (fun () ->
              use dir = diskDir ()
              for force in [ true; false ] do
                  use _ = withOptions (PmemOptions(IsPmemForce = Nullable force))
                  use m = map (dir.File $"f{force}") 4096L PmemFileFlags.Create
                  m.IsPmem =! force
                  Expect.stringContains m.IsPmemReason "PMEM_IS_PMEM_FORCE" "reason"
                  PersistentMemory.IsPmem(NativeInterop.NativePtr.toVoidPtr (NativeInterop.NativePtr.ofNativeInt<byte> m.Address), 1un) =! force) ]

let private tempFiles =
    testList
        "TempFile"
        [ testCase "gives an unnamed file that never appears in the directory" (fun () ->
              use dir = diskDir ()
              use m = map dir.Path 65536L (PmemFileFlags.Create ||| PmemFileFlags.TempFile)
              m.Path =! null
              m.Length =! 65536L
              m.GetSpan(0L, 5).Fill 9uy
              Directory.GetFileSystemEntries dir.Path =! [||])

          testCase "needs a directory: a regular file gives ENOTDIR" (fun () ->
              use dir = diskDir ()
              let file = dir.File "plain"
              File.WriteAllText(file, "x")
              errnoOf (fun () -> map file 4096L (PmemFileFlags.Create ||| PmemFileFlags.TempFile) |> ignore) =! Some 20)

          testCase "with Exclusive still maps" (fun () ->
              use dir = diskDir ()
              use m = map dir.Path 4096L (PmemFileFlags.Create ||| PmemFileFlags.TempFile ||| PmemFileFlags.Exclusive)
              m.Length =! 4096L) ]

let private permissions =
    testList
        "permissions"
        [ testCase "a read-only file gives EACCES, not a crash" (fun () ->
              use dir = diskDir ()
              let path = dir.File "ro.pmem"
              File.WriteAllBytes(path, Array.zeroCreate 4096)
              File.SetUnixFileMode(path, UnixFileMode.UserRead ||| UnixFileMode.GroupRead ||| UnixFileMode.OtherRead)
              match Native.asUnprivileged (fun () -> errnoOf (fun () -> map path 0L PmemFileFlags.None |> ignore)) with
              | Some errno -> errno =! Some 13
              | None -> skip "cannot drop privileges to test permissions")

          testCase "a directory without write permission gives EACCES and nothing is created" (fun () ->
              use dir = diskDir ()
              let locked = Path.Combine(dir.Path, "locked")
              Directory.CreateDirectory locked |> ignore
              File.SetUnixFileMode(locked, enum<UnixFileMode> 0o555)
              let path = Path.Combine(locked, "x.pmem")
              match Native.asUnprivileged (fun () -> errnoOf (fun () -> map path 4096L PmemFileFlags.Create |> ignore)) with
              | Some errno ->
                  errno =! Some 13
                  File.Exists path =! false
              | None -> skip "cannot drop privileges to test permissions")

          testCase "the exception carries errno, path and a hint" (fun () ->
              use dir = diskDir ()
              let path = dir.File "nope"
              let e = catchT<PmemException> (fun () -> map path 0L PmemFileFlags.None |> ignore)
              e.Errno =! 2
              e.ErrnoName =! "ENOENT"
              e.Path =! path
              Expect.stringContains e.Message path "names the path"
              Expect.stringContains e.Message "PmemFileFlags.Create" "says how to fix it") ]

let private disposal =
    let operations: (string * (PmemMapping -> unit)) list =
        [ "Address", (fun m -> m.Address |> ignore)
          "GetSpan", (fun m -> m.GetSpan(0L, 1).Length |> ignore)
          "Read", (fun m -> m.Read(0L, Span<byte>(Array.zeroCreate<byte> 1)))
          "Flush", (fun m -> m.Flush(0L, 1L))
          "Drain", (fun m -> m.Drain())
          "Persist", (fun m -> m.Persist(0L, 1L))
          "Msync", (fun m -> m.Msync(0L, 1L))
          "DeepPersist", (fun m -> m.DeepPersist(0L, 1L))
          "Copy", (fun m -> m.Copy(0L, ReadOnlySpan [| 1uy |]))
          "Move", (fun m -> m.Move(0L, 1L, 1L))
          "Fill", (fun m -> m.Fill(0L, 1uy, 1L)) ]

    testList
        "disposal"
        [ for name, op in operations do
              yield testCase $"{name} after Dispose throws ObjectDisposedException" (fun () ->
                  use dir = diskDir ()
                  let m = map (dir.File "d") 4096L PmemFileFlags.Create
                  m.Dispose()
                  m.Dispose() // twice is fine
                  m.IsDisposed =! true
                  catchT<ObjectDisposedException> (fun () -> op m) |> ignore)

          yield testCase "Dispose during an operation unmaps only when the operation ends" (fun () ->
              use dir = diskDir ()
              let path = dir.File "held"
              let m = map path 4096L PmemFileFlags.Create
              let address = m.Address
              let mutable p = NativeInterop.NativePtr.nullPtr<byte>
              m.Buffer.AcquirePointer(&p)
              m.Dispose()
              mapsEntry address path |> Option.isSome =! true
              NativeInterop.NativePtr.write p 42uy // still mapped: no fault
              m.Buffer.ReleasePointer()
              mapsEntry address path =! None)

          yield testCase "range checks refuse bad offsets and lengths" (fun () ->
              use dir = diskDir ()
              use m = map (dir.File "r") 4096L PmemFileFlags.Create
              for offset, length in [ -1L, 1L; 0L, -1L; 4096L, 1L; 1L, 4096L; Int64.MaxValue, 2L; 4095L, Int64.MaxValue ] do
                  catchT<ArgumentOutOfRangeException> (fun () -> m.Persist(offset, length)) |> ignore
                  catchT<ArgumentOutOfRangeException> (fun () -> m.Fill(offset, 0uy, length)) |> ignore
              catchT<ArgumentOutOfRangeException> (fun () -> m.Move(0L, 4000L, 100L)) |> ignore
              catchT<ArgumentOutOfRangeException> (fun () -> m.Copy(4000L, ReadOnlySpan(Array.zeroCreate 100))) |> ignore
              m.Persist(4096L, 0L) // an empty range at the end is in range
              m.Persist(0L, 4096L)) ]

let tests =
    testList "Mapping" [ contents; tempFiles; permissions; disposal ]

/// Tests that change process-wide options.
let sequencedTests = testSequenced (testList "Mapping (options)" [ placement ])
