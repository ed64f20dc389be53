/// The F# face lined up with the C# one (issue 17): open-or-create that never shrinks a file, move / fill / copy with
/// flags and their Result forms in the C# argument order, deepPersist, read with an int64 length, one catch arm for
/// every Pmem failure (RedoLogException is a PmemException) and error advice in F# terms.
module Pmem.Tests.FSharpApiTests

open System
open System.IO
open Expecto
open Pmem
open Pmem.FSharp
open Pmem.Tests.TestDsl

let private bytesOf (length: int) (seed: int) =
    let bytes = Array.zeroCreate<byte> length
    Random(seed).NextBytes bytes
    bytes

let private openOrCreateTests =
    [ testCase "openOrCreate never shrinks: an 8 KiB file opened for 4 KiB keeps its length and every byte"
      <| fun () ->
          use dir = diskDir ()
          let path = dir.File "keep.pmem"
          let original = bytesOf 8192 1
          File.WriteAllBytes(path, original)

          do
              use mapping = path |> Mapping.mapFile (MapOptions.openOrCreate 4096L)
              mapping.Length =! 8192L
              Mapping.read 0L 8192L mapping =! original

          File.ReadAllBytes path =! original

      testCase "openOrCreate extends a shorter file to the length, keeping its bytes; creates a missing one"
      <| fun () ->
          use dir = diskDir ()
          let path = dir.File "grow.pmem"
          let original = bytesOf 100 2
          File.WriteAllBytes(path, original)

          match path |> Mapping.tryMapFile (MapOptions.openOrCreate 4096L) with
          | Ok mapping ->
              use mapping = mapping
              mapping.Length =! 4096L
              Mapping.read 0L 100L mapping =! original
              Mapping.read 100L 3996L mapping =! Array.zeroCreate 3996
          | Error e -> failtestf "expected a mapping, got %A" e

          let created = dir.File "new.pmem"

          do
              use mapping = created |> Mapping.mapFile (MapOptions.openOrCreate 4096L |> MapOptions.sparse)
              mapping.Length =! 4096L

          FileInfo(created).Length =! 4096L

      testCase "openOrCreate of an empty existing file extends it; of a missing directory says to create the directory"
      <| fun () ->
          use dir = diskDir ()
          let path = dir.File "empty.pmem"
          File.WriteAllBytes(path, [||])

          do
              use mapping = path |> Mapping.mapFile (MapOptions.openOrCreate 4096L)
              mapping.Length =! 4096L

          let missing = dir.File "no/such/dir/f.pmem"

          match missing |> Mapping.tryMapFile (MapOptions.openOrCreate 4096L) with
          | Error (PmemError.NotFound _ as e) ->
              Expect.stringContains (PmemError.describe e) "directory" "names the missing directory"
              Expect.isFalse ((PmemError.describe e).Contains "MapOptions.") "does not suggest a MapOptions"
          | other -> failtestf "expected NotFound, got %A" other

      testCase "createOrResize (and create) keep libpmem's truncating behaviour under their documented names"
      <| fun () ->
          use dir = diskDir ()
          let path = dir.File "resize.pmem"
          File.WriteAllBytes(path, bytesOf 8192 3)

          (path |> Mapping.mapFile (MapOptions.createOrResize 4096L)).Dispose()
          FileInfo(path).Length =! 4096L
          MapOptions.create 4096L =! MapOptions.createOrResize 4096L ]

let private operationTests =
    [ testCase "move, fillWith, copyWith, copyMemory and deepPersist write through in the C# argument order"
      <| fun () ->
          use dir = diskDir ()
          let path = dir.File "ops.pmem"

          do
              use mapping = path |> Mapping.mapFile (MapOptions.openOrCreate 8192L)
              Mapping.copy 0L [| 1uy; 2uy; 3uy; 4uy |] mapping
              Mapping.move 1000L 0L 4L mapping
              Mapping.moveWith PmemCopyFlags.NoDrain 2000L 0L 2L mapping
              Mapping.fill 3000L 7uy 10L mapping
              Mapping.fillWith PmemCopyFlags.NoDrain 3100L 8uy 5L mapping
              Mapping.copyWith PmemCopyFlags.NoDrain 3200L [| 9uy |] mapping
              Mapping.copyMemory PmemCopyFlags.None 3300L ((ReadOnlyMemory [| 5uy; 6uy; 7uy |]).Slice 1) mapping
              Mapping.drain mapping
              Mapping.deepPersist 0L 8192L mapping
              Mapping.tryDeepPersist 0L 64L mapping =! Ok()
              Mapping.tryMove 4000L 0L 4L mapping =! Ok()
              Mapping.tryMoveWith PmemCopyFlags.NoFlush 4100L 0L 1L mapping =! Ok()
              Mapping.tryFillWith PmemCopyFlags.None 4200L 3uy 2L mapping =! Ok()
              Mapping.tryCopyWith PmemCopyFlags.None 4300L [| 4uy |] mapping =! Ok()
              Mapping.tryCopyMemory PmemCopyFlags.None 4400L (ReadOnlyMemory [| 2uy |]) mapping =! Ok()
              Mapping.msync 0L 8192L mapping

          let bytes = File.ReadAllBytes path
          bytes.[1000..1003] =! [| 1uy; 2uy; 3uy; 4uy |]
          bytes.[2000..2001] =! [| 1uy; 2uy |]
          bytes.[3000..3009] =! Array.create 10 7uy
          bytes.[3100..3104] =! Array.create 5 8uy
          bytes.[3200] =! 9uy
          bytes.[3300..3301] =! [| 6uy; 7uy |]
          bytes.[4000..4003] =! [| 1uy; 2uy; 3uy; 4uy |]
          bytes.[4100] =! 1uy
          bytes.[4200..4201] =! [| 3uy; 3uy |]
          bytes.[4300] =! 4uy
          bytes.[4400] =! 2uy

      testCase "the Result forms report either range of a move, undefined flags and disposal as errors"
      <| fun () ->
          use dir = shmDir ()
          let mapping = dir.File "r.pmem" |> Mapping.mapFile (MapOptions.openOrCreate 4096L)
          Mapping.tryMove 0L 4095L 2L mapping =! Error(PmemError.OutOfRange(4095L, 2L, 4096L))
          Mapping.tryMove 4095L 0L 2L mapping =! Error(PmemError.OutOfRange(4095L, 2L, 4096L))

          match Mapping.tryFillWith (enum<PmemCopyFlags> 0x4000) 0L 1uy 1L mapping with
          | Error (PmemError.InvalidArgument _) -> ()
          | other -> failtestf "expected InvalidArgument for undefined flags, got %A" other

          Mapping.tryRead 0L (int64 Array.MaxLength + 1L) mapping |> Result.isError =! true
          Expect.throwsT<ArgumentOutOfRangeException> (fun () -> Mapping.read 0L -1L mapping |> ignore) "negative length"
          mapping.Dispose()
          Mapping.tryDeepPersist 0L 1L mapping =! Error PmemError.Disposed
          Mapping.tryCopyWith PmemCopyFlags.None 0L [| 1uy |] mapping =! Error PmemError.Disposed
          Mapping.tryMove 0L 1L 1L mapping =! Error PmemError.Disposed ]

let private errorTests =
    [ testCase "RedoLogException is a PmemException: one catch arm, and ofException gives the RedoLog case"
      <| fun () ->
          let e = RedoLogException(RedoLogError.BadChecksum, "bad sum")
          Expect.isTrue (box e :? PmemException) "a PmemException"
          e.Errno =! 74
          RedoLogException(RedoLogError.RecoveryNeeded, "recover").Errno =! 22

          let caught =
              try
                  raise e
              with :? PmemException as p ->
                  PmemError.ofException p

          caught =! PmemError.RedoLog(RedoLogError.BadChecksum, "bad sum")

      testCase "errors from the core name MapOptions, not C# flags"
      <| fun () ->
          use dir = diskDir ()
          let empty = dir.File "empty.pmem"
          File.WriteAllBytes(empty, [||])

          for error in
              [ Mapping.tryMapFile MapOptions.existing empty
                Mapping.tryMapFile { MapOptions.existing with Length = 4096L } empty
                Mapping.tryMapFile (MapOptions.createOrResize 0L) (dir.File "zero.pmem") ] do
              match error with
              | Ok mapping -> failtestf "expected an error, got a mapping of %d bytes" mapping.Length
              | Error e ->
                  let text = PmemError.describe e
                  Expect.isFalse (text.Contains "PmemFileFlags") $"no C# flag in: {text}"
                  Expect.stringContains text "MapOptions." $"an F# remedy in: {text}"

          let noSpace = PmemError.ofException (PmemException(28, "full; free space, or use PmemFileFlags.Sparse.", "/p"))
          noSpace =! PmemError.NoSpace("/p", "full; free space, or use MapOptions.sparse.") ]

let tests = testList "F# API" (openOrCreateTests @ operationTests @ errorTests)
