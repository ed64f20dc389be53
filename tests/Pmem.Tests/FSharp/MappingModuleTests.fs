/// The Mapping module's functions and PmemError: Result variants, the errors they map to, and readable printing.
module Pmem.Tests.MappingModuleTests

open System
open System.IO
open Expecto
open Pmem
open Pmem.FSharp
open Pmem.Tests.TestDsl

let tests =
    testList
        "Mapping module"
        [ testCase "tryMapFile reports NotFound, AlreadyExists and InvalidArgument as values, leaving no file"
          <| fun () ->
              use dir = shmDir ()
              let path = dir.File "f.pmem"
              Mapping.tryMapFile MapOptions.existing path =! Error(PmemError.NotFound path)
              File.Exists path =! false

              match Mapping.tryMapFile (MapOptions.create 0L) path with
              | Error (PmemError.InvalidArgument message) -> Expect.stringContains message "Create" "says why"
              | other -> failtestf "expected InvalidArgument, got %A" other

              File.Exists path =! false
              (Mapping.mapFile (MapOptions.create 4096L) path).Dispose()
              Mapping.tryMapFile (MapOptions.createNew 4096L) path =! Error(PmemError.AlreadyExists path)

          testCase "mapFile throws the core's PmemException"
          <| fun () ->
              use dir = shmDir ()
              let e = Expect.throwsC (fun () -> Mapping.mapFile MapOptions.existing (dir.File "none") |> ignore) id
              Expect.equal (e :? PmemException) true "PmemException"

          testCase "copy, fill, persist, flush, drain and msync write through; the bytes survive a remap"
          <| fun () ->
              use dir = diskDir ()
              let path = dir.File "rw.pmem"

              do
                  use mapping = path |> Mapping.mapFile (MapOptions.create 8192L)
                  Mapping.copy 10L [| 1uy; 2uy; 3uy |] mapping
                  Mapping.fill 100L 7uy 50L mapping
                  Mapping.copyWith PmemCopyFlags.NoFlush 200L [| 9uy |] mapping
                  Mapping.persist 200L 1L mapping
                  Mapping.flush 0L 64L mapping
                  Mapping.drain mapping
                  Mapping.msync 0L 8192L mapping
                  Mapping.tryPersist 0L 8192L mapping =! Ok()
                  Mapping.tryFlush 0L 1L mapping =! Ok()
                  Mapping.tryDrain mapping =! Ok()
                  Mapping.tryMsync 4096L 1L mapping =! Ok()
                  Mapping.tryCopy 300L [| 5uy |] mapping =! Ok()
                  Mapping.tryFill 400L 6uy 2L mapping =! Ok()

              // Whether this ran on the msync path depends on PMEM_IS_PMEM_FORCE; either way the bytes must be there.
              use again = path |> Mapping.mapFile MapOptions.existing
              Mapping.read 10L 3L again =! [| 1uy; 2uy; 3uy |]
              Mapping.read 100L 50L again =! Array.create 50 7uy
              Mapping.tryRead 200L 1L again =! Ok [| 9uy |]
              Mapping.read 300L 1L again =! [| 5uy |]
              Mapping.read 400L 2L again =! [| 6uy; 6uy |]

          testCase "try variants return OutOfRange for ranges outside the mapping and change nothing"
          <| fun () ->
              use dir = shmDir ()
              use mapping = dir.File "r.pmem" |> Mapping.mapFile (MapOptions.create 4096L)
              let outOfRange o l = Error(PmemError.OutOfRange(o, l, 4096L))
              Mapping.tryPersist 4000L 100L mapping =! outOfRange 4000L 100L
              Mapping.tryFlush -1L 1L mapping =! outOfRange -1L 1L
              Mapping.tryMsync 0L -1L mapping =! outOfRange 0L -1L
              Mapping.tryCopy 4095L [| 1uy; 2uy |] mapping =! outOfRange 4095L 2L
              Mapping.tryFill 4096L 1uy 1L mapping =! outOfRange 4096L 1L
              Mapping.tryRead 4090L 7L mapping =! outOfRange 4090L 7L
              Mapping.read 0L 4096L mapping =! Array.zeroCreate 4096
              Expect.throwsT<ArgumentOutOfRangeException> (fun () -> Mapping.persist 4000L 100L mapping) "plain throws"

          testCase "try variants return Disposed after Dispose; plain ones throw ObjectDisposedException"
          <| fun () ->
              use dir = shmDir ()
              let mapping = dir.File "d.pmem" |> Mapping.mapFile (MapOptions.create 4096L)
              mapping.Dispose()
              Mapping.tryPersist 0L 1L mapping =! Error PmemError.Disposed
              Mapping.tryDrain mapping =! Error PmemError.Disposed
              Mapping.tryCopy 0L [| 1uy |] mapping =! Error PmemError.Disposed
              Mapping.tryRead 0L 1L mapping =! Error PmemError.Disposed
              Expect.throwsT<ObjectDisposedException> (fun () -> Mapping.persist 0L 1L mapping) "plain throws"

          testCase "temporary and sparse options map and leave no named file"
          <| fun () ->
              use dir = shmDir ()

              do
                  use temp = dir.Path |> Mapping.mapFile (MapOptions.temporary 4096L |> MapOptions.sparse)
                  temp.Length =! 4096L
                  Mapping.copy 0L [| 1uy |] temp

              Directory.GetFiles dir.Path =! [||]

          testCase "ofException classifies errno values; describe says what to do"
          <| fun () ->
              let classify errno = PmemError.ofException (PmemException(errno, $"message {errno}", "/p"))
              classify 22 =! PmemError.InvalidArgument "message 22"
              classify 2 =! PmemError.NotFound "/p"
              classify 17 =! PmemError.AlreadyExists "/p"

              for errno in [ 1; 13; 30 ] do
                  classify errno =! PmemError.PermissionDenied "/p"

              for errno in [ 27; 28; 122 ] do
                  classify errno =! PmemError.NoSpace("/p", $"message {errno}")

              classify 5 =! PmemError.Io(5, "message 5")
              Expect.stringContains (PmemError.describe (classify 2)) "MapOptions.openOrCreate" "how to create it"
              Expect.stringContains (PmemError.describe PmemError.Disposed) "keep it open" "what to do"
              Expect.stringContains (PmemError.describe (PmemError.OutOfRange(1L, 2L, 3L))) "nothing was written" "safe"

          testCase "errors, options and capabilities print readably"
          <| fun () ->
              sprintf "%A" (PmemError.OutOfRange(8L, 16L, 4096L)) =! "OutOfRange (8L, 16L, 4096L)"
              sprintf "%A" (MapOptions.create 4096L |> MapOptions.withMode UnixFileMode.UserRead)
              =! "{ Length = 4096L\n  Flags = Create\n  Mode = UserRead\n  Existing = Resize\n  Source = None\n  Offset = 0L\n  Protection = ReadWrite\n  Sharing = Shared\n  RequiredGranularity = None }"
              sprintf "%A" CommitOptions.defaults =! "{ Stores = Auto\n  FinalDrain = true }"
              Expect.stringContains ((Mapping.capabilities ()).ToString()) "Pmem capabilities" "the report" ]
