/// The F# face of libpmem2's model (issue 16, item 7): MapOptions with a source, an offset and length, read-only
/// and private mappings and a required granularity; refusals as PmemError.Map with the try… variants.
module Pmem.Tests.MapOptionsSourceTests

open System
open System.IO
open Expecto
open Pmem
open Pmem.FSharp
open Pmem.Tests.TestDsl
open Pmem.Tests.SourceMapTests

let private page = 4096L

let private expectMapError (expected: PmemMapError) (result: Result<PmemMapping, PmemError>) =
    match result with
    | Error (PmemError.Map (error, message)) ->
        Expect.equal error expected message
        Expect.equal (PmemError.describe (PmemError.Map(error, message))) message "describe gives the message"
    | Ok m ->
        m.Dispose()
        failtestf "expected Map %A, it mapped" expected
    | Error e -> failtestf "expected Map %A, got %A" expected e

let tests =
    testList
        "MapOptions (libpmem2)"
        [ testCase "range maps part of a file at an offset; the plain functions throw what the core throws" (fun () ->
              use dir = diskDir ()
              let path = dir.File "f"
              let bytes = pattern path (8L * page)
              let options = MapOptions.existing |> MapOptions.range page (2L * page)
              options.UsesSource =! true
              match Mapping.tryMapFile options path with
              | Ok m ->
                  use _ = m
                  m.Length =! 2L * page
                  m.FileOffset =! page
                  Mapping.read 0L 8L m =! bytes[int page .. int page + 7]
              | Error e -> failtestf "%A" e
              Mapping.tryMapFile (MapOptions.existing |> MapOptions.range 1024L 0L) path |> expectMapError PmemMapError.OffsetUnaligned
              Mapping.tryMapFile (MapOptions.existing |> MapOptions.range page (8L * page)) path |> expectMapError PmemMapError.MapRange
              let e = catchT<PmemMapException> (fun () -> Mapping.mapFile (MapOptions.existing |> MapOptions.range 0L 100L) path |> ignore)
              e.Error =! PmemMapError.LengthUnaligned
              (FileInfo path).Length =! 8L * page)

          testCase "ofHandle maps an open file without taking it over; a handle closed before mapping is InvalidFileHandle" (fun () ->
              use dir = diskDir ()
              let path = dir.File "f"
              pattern path (2L * page) |> ignore
              let handle = File.OpenHandle(path, FileMode.Open, FileAccess.ReadWrite)
              let options = MapOptions.ofHandle handle
              do
                  use m = Mapping.map options
                  handle.Dispose()
                  Mapping.fill 0L 0x42uy 16L m
              (File.ReadAllBytes path)[0..15] =! Array.create 16 0x42uy
              Mapping.tryMap options |> expectMapError PmemMapError.InvalidFileHandle)

          testCase "anonymous, readOnly and privateCopy through tryMap/tryMapFile" (fun () ->
              use dir = diskDir ()
              let path = dir.File "f"
              let bytes = pattern path page
              match Mapping.tryMap (MapOptions.anonymous (64L * page)) with
              | Ok m ->
                  use _ = m
                  m.IsAnonymous =! true
                  match Durable.commit m (Durable.writeInt64 0L 5L) with
                  | Ok() -> Mapping.read 0L 1L m =! [| 5uy |]
                  | Error e -> failtestf "%A" e
              | Error e -> failtestf "%A" e
              // Stores into read-only mappings are tried in a child process (ProtectionTests): a regression faults.
              match Mapping.tryMapFile (MapOptions.existing |> MapOptions.readOnly) path with
              | Ok m ->
                  use _ = m
                  m.Protection =! PmemProtection.Read
                  Mapping.read 0L 8L m =! bytes[0..7]
              | Error e -> failtestf "%A" e
              match Mapping.tryMapFile (MapOptions.existing |> MapOptions.privateCopy) path with
              | Ok m ->
                  use _ = m
                  Mapping.fill 0L 1uy 8L m
                  Mapping.persist 0L 8L m
                  m.Sharing =! PmemSharing.Private
              | Error e -> failtestf "%A" e
              File.ReadAllBytes path =! bytes)

          testCase "creating flags with libpmem2 options, a source with a path, and tryMap without a source are InvalidArgument" (fun () ->
              use dir = diskDir ()
              let path = dir.File "new"
              match Mapping.tryMapFile (MapOptions.createOrResize page |> MapOptions.readOnly) path with
              | Error (PmemError.InvalidArgument message) -> Expect.stringContains message "create it first" "says what to do"
              | other -> failtestf "expected InvalidArgument, got %A" other
              File.Exists path =! false
              match Mapping.tryMapFile (MapOptions.anonymous page) path with
              | Error (PmemError.InvalidArgument _) -> ()
              | other -> failtestf "expected InvalidArgument, got %A" other
              match Mapping.tryMap MapOptions.existing with
              | Error (PmemError.InvalidArgument message) -> Expect.stringContains message "tryMapFile" "points to the path API"
              | other -> failtestf "expected InvalidArgument, got %A" other
              catchT<ArgumentException> (fun () -> Mapping.map MapOptions.existing |> ignore) |> ignore)

          testCase "toConfig carries every libpmem2 field" (fun () ->
              let config =
                  MapOptions.anonymous page
                  |> MapOptions.range page (2L * page)
                  |> MapOptions.readOnly
                  |> MapOptions.privateCopy
                  |> MapOptions.requireGranularity PmemGranularity.CacheLine
                  |> MapOptions.toConfig
              config =! PmemMapConfig(
                  Offset = page,
                  Length = 2L * page,
                  Protection = PmemProtection.Read,
                  Sharing = PmemSharing.Private,
                  RequiredGranularity = Nullable PmemGranularity.CacheLine
              )) ]
