/// The Pmem module's functions and PmemError: Result variants, the errors they map to, and readable printing.
module Pmem.Tests.PmemModuleTests

open System
open System.IO
open Expecto
open Pmem
open Pmem.FSharp
open Pmem.Tests.TestDsl

let tests =
    testList
        "Pmem module"
        [ testCase "tryMapFile reports NotFound, AlreadyExists and InvalidArgument as values, leaving no file"
          <| fun () ->
              use dir = shmDir ()
              let path = dir.File "f.pmem"
              Pmem.tryMapFile MapOptions.existing path =! Error(PmemError.NotFound path)
              File.Exists path =! false

              match Pmem.tryMapFile (MapOptions.create 0L) path with
              | Error (PmemError.InvalidArgument message) -> Expect.stringContains message "Create" "says why"
              | other -> failtestf "expected InvalidArgument, got %A" other

              File.Exists path =! false
              (Pmem.mapFile (MapOptions.create 4096L) path).Dispose()
              Pmem.tryMapFile (MapOptions.createNew 4096L) path =! Error(PmemError.AlreadyExists path)

          testCase "mapFile throws the core's PmemException"
          <| fun () ->
              use dir = shmDir ()
              let e = Expect.throwsC (fun () -> Pmem.mapFile MapOptions.existing (dir.File "none") |> ignore) id
              Expect.equal (e :? PmemException) true "PmemException"

          testCase "copy, fill, persist, flush, drain and msync write through; the bytes survive a remap"
          <| fun () ->
              use dir = diskDir ()
              let path = dir.File "rw.pmem"

              do
                  use mapping = path |> Pmem.mapFile (MapOptions.create 8192L)
                  Pmem.copy 10L [| 1uy; 2uy; 3uy |] mapping
                  Pmem.fill 100L 7uy 50L mapping
                  Pmem.copyWith PmemCopyFlags.NoFlush 200L [| 9uy |] mapping
                  Pmem.persist 200L 1L mapping
                  Pmem.flush 0L 64L mapping
                  Pmem.drain mapping
                  Pmem.msync 0L 8192L mapping
                  Pmem.tryPersist 0L 8192L mapping =! Ok()
                  Pmem.tryFlush 0L 1L mapping =! Ok()
                  Pmem.tryDrain mapping =! Ok()
                  Pmem.tryMsync 4096L 1L mapping =! Ok()
                  Pmem.tryCopy 300L [| 5uy |] mapping =! Ok()
                  Pmem.tryFill 400L 6uy 2L mapping =! Ok()

              use again = path |> Pmem.mapFile MapOptions.existing
              Pmem.isPmem again =! false
              Pmem.read 10L 3L again =! [| 1uy; 2uy; 3uy |]
              Pmem.read 100L 50L again =! Array.create 50 7uy
              Pmem.tryRead 200L 1L again =! Ok [| 9uy |]
              Pmem.read 300L 1L again =! [| 5uy |]
              Pmem.read 400L 2L again =! [| 6uy; 6uy |]

          testCase "try variants return OutOfRange for ranges outside the mapping and change nothing"
          <| fun () ->
              use dir = shmDir ()
              use mapping = dir.File "r.pmem" |> Pmem.mapFile (MapOptions.create 4096L)
              let outOfRange o l = Error(PmemError.OutOfRange(o, l, 4096L))
              Pmem.tryPersist 4000L 100L mapping =! outOfRange 4000L 100L
              Pmem.tryFlush -1L 1L mapping =! outOfRange -1L 1L
              Pmem.tryMsync 0L -1L mapping =! outOfRange 0L -1L
              Pmem.tryCopy 4095L [| 1uy; 2uy |] mapping =! outOfRange 4095L 2L
              Pmem.tryFill 4096L 1uy 1L mapping =! outOfRange 4096L 1L
              Pmem.tryRead 4090L 7L mapping =! outOfRange 4090L 7L
              Pmem.read 0L 4096L mapping =! Array.zeroCreate 4096
              Expect.throwsT<ArgumentOutOfRangeException> (fun () -> Pmem.persist 4000L 100L mapping) "plain throws"

          testCase "try variants return Disposed after Dispose; plain ones throw ObjectDisposedException"
          <| fun () ->
              use dir = shmDir ()
              let mapping = dir.File "d.pmem" |> Pmem.mapFile (MapOptions.create 4096L)
              mapping.Dispose()
              Pmem.tryPersist 0L 1L mapping =! Error PmemError.Disposed
              Pmem.tryDrain mapping =! Error PmemError.Disposed
              Pmem.tryCopy 0L [| 1uy |] mapping =! Error PmemError.Disposed
              Pmem.tryRead 0L 1L mapping =! Error PmemError.Disposed
              Expect.throwsT<ObjectDisposedException> (fun () -> Pmem.persist 0L 1L mapping) "plain throws"

          testCase "temporary and sparse options map and leave no named file"
          <| fun () ->
              use dir = shmDir ()

              do
                  use temp = dir.Path |> Pmem.mapFile (MapOptions.temporary 4096L |> MapOptions.sparse)
                  temp.Length =! 4096L
                  Pmem.copy 0L [| 1uy |] temp

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
              Expect.stringContains ((Pmem.capabilities ()).ToString()) "Pmem capabilities" "the report" ]
