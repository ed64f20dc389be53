/// libpmem2's sources and ranges (issue 16, item 1): PmemSource.FromPath / FromHandle / FromAnonymous mapped at an
/// offset and length with PmemMapConfig. Ported from what PMDK's pmem2_map, pmem2_source_size and
/// pmem2_source_alignment tests check: valid and invalid ranges, unaligned offsets and lengths, a range past an
/// unaligned file end, empty files, closed and write-only handles. Every refusal leaves the file as it was.
module Pmem.Tests.SourceMapTests

open System
open System.IO
open Expecto
open Microsoft.Win32.SafeHandles
open Hedgehog
open Hedgehog.FSharp
open Pmem
open Pmem.Tests.TestDsl

let private page = 4096L

/// A file of <paramref name="size"/> bytes whose every byte depends on its offset.
let pattern (path: string) (size: int64) =
    let bytes = Array.init (int size) (fun i -> byte ((i * 31 + i / 4096) % 251))
    File.WriteAllBytes(path, bytes)
    bytes

/// Bytes, size and mode: what a refused map must leave unchanged.
let fileState (path: string) = File.ReadAllBytes path, File.GetUnixFileMode path

/// Runs f, expects a PmemMapException with that error, and returns it.
let refused (error: PmemMapError) (f: unit -> unit) =
    let e = catchT<PmemMapException> f
    Expect.equal e.Error error $"the error ({e.Message})"
    e

let private config offset length = PmemMapConfig(Offset = offset, Length = length)

let private readAll (m: PmemMapping) =
    let bytes = Array.zeroCreate<byte> (int m.Length)
    m.Read(0L, Span bytes)
    bytes

let private ranges =
    testList
        "ranges"
        [ testCase "valid ranges: whole file (length 0 or the size), a shorter length, and an aligned offset" (fun () ->
              use dir = diskDir ()
              let path = dir.File "f"
              let size = 16L * page
              let bytes = pattern path size
              let half = size / 2L
              let source = PmemSource.FromPath path
              for offset, length, expected in [ 0L, 0L, size; 0L, size, size; 0L, half, half; page, half, half; size - page, 0L, page ] do
                  use m = source.Map(config offset length)
                  m.Length =! expected
                  m.FileOffset =! offset
                  readAll m =! bytes[int offset .. int (offset + expected) - 1])

          testCase "a range past the end of the file is MapRange, and the file is not extended" (fun () ->
              use dir = diskDir ()
              let path = dir.File "f"
              let size = 16L * page
              pattern path size |> ignore
              let before = fileState path
              let source = PmemSource.FromPath path
              for offset, length in [ size / 2L + (4L <<< 20), size / 2L; size * 2L, 0L; size, 0L; 0L, size + page; page, size ] do
                  refused PmemMapError.MapRange (fun () -> source.Map(config offset length) |> ignore) |> ignore
              fileState path =! before)

          testCase "an offset that is not a multiple of the page size is OffsetUnaligned" (fun () ->
              use dir = diskDir ()
              let path = dir.File "f"
              pattern path (16L * page) |> ignore
              let before = fileState path
              for offset in [ 1024L; 1L; page + 512L ] do
                  let e = refused PmemMapError.OffsetUnaligned (fun () -> PmemSource.FromPath(path).Map(config offset (8L * page)) |> ignore)
                  Expect.stringContains e.Message "4096" "names the alignment"
                  e.ErrnoName =! "EINVAL"
              fileState path =! before)

          testCase "a length that is not a multiple of the page size is LengthUnaligned" (fun () ->
              use dir = diskDir ()
              let path = dir.File "f"
              pattern path (16L * page) |> ignore
              refused PmemMapError.LengthUnaligned (fun () -> PmemSource.FromPath(path).Map(config 0L (page + 1L)) |> ignore) |> ignore)

          testCase "a file whose size is not page-aligned maps whole with length 0; its size rounded up is MapRange" (fun () ->
              use dir = diskDir ()
              let path = dir.File "f"
              let bytes = pattern path 10000L
              let source = PmemSource.FromPath path
              source.GetAlignment() =! page
              refused PmemMapError.MapRange (fun () -> source.Map(config 0L (3L * page)) |> ignore) |> ignore
              (FileInfo path).Length =! 10000L
              use m = source.Map()
              m.Length =! 10000L
              readAll m =! bytes)

          testCase "an empty file is SourceEmpty" (fun () ->
              use dir = diskDir ()
              let path = dir.File "empty"
              File.WriteAllBytes(path, [||])
              refused PmemMapError.SourceEmpty (fun () -> PmemSource.FromPath(path).Map() |> ignore) |> ignore
              (FileInfo path).Length =! 0L)

          testCase "a negative offset is OffsetOutOfRange, a negative length MapRange" (fun () ->
              use dir = diskDir ()
              let path = dir.File "f"
              pattern path (4L * page) |> ignore
              let source = PmemSource.FromPath path
              refused PmemMapError.OffsetOutOfRange (fun () -> source.Map(config -page 0L) |> ignore) |> ignore
              refused PmemMapError.MapRange (fun () -> source.Map(config 0L -page) |> ignore) |> ignore) ]

/// pmem2's rules for a file of <paramref name="size"/> bytes: the mapped length, or the refusal.
let private expected (size: int64) (offset: int64) (length: int64) =
    if offset < 0L then Error PmemMapError.OffsetOutOfRange
    elif length < 0L then Error PmemMapError.MapRange
    elif offset % page <> 0L then Error PmemMapError.OffsetUnaligned
    elif length % page <> 0L then Error PmemMapError.LengthUnaligned
    elif offset >= size || offset + length > size then Error PmemMapError.MapRange
    else Ok(if length = 0L then size - offset else length)

/// Offsets and lengths near the file's size: mostly page multiples, sometimes anything (negative included).
let private near (size: int64) =
    Gen.frequency
        [ 5, Gen.int64 (Range.constant 0L (size / page + 2L)) |> Gen.map ((*) page)
          1, Gen.constant 0L
          2, Gen.int64 (Range.constant -page (size + 2L * page)) ]

let private rangeProperty =
    testPropertyN "any offset and length: maps exactly when pmem2's rules allow, the file's bytes there; else the rule's error" 80
    <| property {
        let! pages = Gen.int64 (Range.constant 1L 12L)
        let! tail = Gen.int64 (Range.constant 0L (page - 1L))
        let size = pages * page + tail
        let! offset = near size
        let! length = near size
        use dir = diskDir ()
        let path = dir.File "f"
        let bytes = pattern path size
        let before = fileState path
        let source = PmemSource.FromPath path

        match expected size offset length, source.TryMap(config offset length) with
        | Ok mapped, (true, m, _) ->
            use m = nonNull m
            m.Length =! mapped
            readAll m =! bytes[int offset .. int (offset + mapped) - 1]
        | Error error, (false, _, (:? PmemMapException as e)) -> Expect.equal e.Error error e.Message
        | want, (_, m, e) ->
            if not (isNull m) then (nonNull m).Dispose()
            failtestf "size %d, offset %d, length %d: expected %A, got %A" size offset length want (if isNull e then "a mapping" else e.Message)

        fileState path =! before
    }

let private sources =
    testList
        "sources"
        [ testCase "GetSize and GetAlignment: a file's current size and the page size; anonymous: its size" (fun () ->
              use dir = diskDir ()
              let path = dir.File "f"
              pattern path 12345L |> ignore
              use handle = File.OpenHandle(path, FileMode.Open, FileAccess.ReadWrite)
              let source = PmemSource.FromHandle handle
              source.GetSize() =! 12345L
              RandomAccess.Write(handle, ReadOnlySpan [| 1uy |], 99999L)
              source.GetSize() =! 100000L
              source.GetAlignment() =! page
              PmemSource.FromPath(path).GetSize() =! 100000L
              let anonymous = PmemSource.FromAnonymous(3L <<< 20)
              anonymous.GetSize() =! (3L <<< 20)
              anonymous.GetAlignment() =! page
              anonymous.Kind =! PmemSourceKind.Anonymous)

          testCase "a handle is not taken over: it stays usable, and the mapping outlives its disposal" (fun () ->
              use dir = diskDir ()
              let path = dir.File "f"
              let bytes = pattern path (4L * page)
              let handle = File.OpenHandle(path, FileMode.Open, FileAccess.ReadWrite)
              use m = PmemSource.FromHandle(handle).Map(config page 0L)
              let viaHandle = Array.zeroCreate<byte> 16
              RandomAccess.Read(handle, Span viaHandle, 0L) =! 16
              viaHandle =! bytes[0..15]
              handle.IsClosed =! false
              handle.Dispose()
              m.Copy(0L, ReadOnlySpan [| 7uy; 8uy; 9uy |])
              m.Persist(0L, 3L)
              m.Length =! 3L * page
              m.Path =! null
              (File.ReadAllBytes path)[int page .. int page + 2] =! [| 7uy; 8uy; 9uy |])

          testCase "a closed handle is ObjectDisposedException, from FromHandle and from Map" (fun () ->
              use dir = diskDir ()
              let path = dir.File "f"
              pattern path page |> ignore
              let before = fileState path
              let handle = File.OpenHandle(path, FileMode.Open, FileAccess.ReadWrite)
              let source = PmemSource.FromHandle handle
              handle.Dispose()
              catchT<ObjectDisposedException> (fun () -> source.Map() |> ignore) |> ignore
              catchT<ObjectDisposedException> (fun () -> source.TryMap(null) |> ignore) |> ignore
              catchT<ObjectDisposedException> (fun () -> PmemSource.FromHandle handle |> ignore) |> ignore
              catchT<ArgumentException> (fun () -> PmemSource.FromHandle(new SafeFileHandle(nativeint -1, false)) |> ignore) |> ignore
              fileState path =! before)

          testCase "a write-only handle is InvalidFileHandle" (fun () ->
              use dir = diskDir ()
              let path = dir.File "f"
              pattern path page |> ignore
              use handle = File.OpenHandle(path, FileMode.Open, FileAccess.Write)
              let e = refused PmemMapError.InvalidFileHandle (fun () -> PmemSource.FromHandle(handle).Map() |> ignore)
              Expect.stringContains e.Message "write-only" "says why")

          testCase "a directory or a non-DAX character device is InvalidFileType; a missing path ENOENT" (fun () ->
              use dir = diskDir ()
              refused PmemMapError.InvalidFileType (fun () -> PmemSource.FromPath(dir.Path).Map() |> ignore) |> ignore
              refused PmemMapError.InvalidFileType (fun () -> PmemSource.FromPath("/dev/null").Map() |> ignore) |> ignore
              let e = catchT<PmemException> (fun () -> PmemSource.FromPath(dir.File "missing").Map() |> ignore)
              e.ErrnoName =! "ENOENT"
              File.Exists(dir.File "missing") =! false
              catchT<ArgumentException> (fun () -> PmemSource.FromPath "a\000b" |> ignore) |> ignore)

          testCase "stores through a shared handle mapping reach the file; TryMap reports refusals without throwing" (fun () ->
              use dir = diskDir ()
              let path = dir.File "f"
              pattern path (2L * page) |> ignore
              use handle = File.OpenHandle(path, FileMode.Open, FileAccess.ReadWrite)
              let source = PmemSource.FromHandle handle
              do
                  use m = source.Map()
                  m.Fill(100L, 0xEEuy, 50L)
                  m.Sharing =! PmemSharing.Shared
                  m.Protection =! PmemProtection.ReadWrite
              (File.ReadAllBytes path)[100..149] =! Array.create 50 0xEEuy
              match source.TryMap(config 1L 0L) with
              | false, null, (:? PmemMapException as e) -> e.Error =! PmemMapError.OffsetUnaligned
              | other -> failtestf "expected a refusal, got %A" other)

          testCase "anonymous memory: zero-filled, Copy, Fill and commits work, nothing durable, granularity Byte" (fun () ->
              use m = PmemSource.FromAnonymous(1L <<< 20).Map()
              m.IsAnonymous =! true
              m.Length =! (1L <<< 20)
              m.Path =! null
              m.Granularity =! PmemGranularity.Byte
              Expect.stringContains m.GranularityReason "anonymous" "reason"
              m.IsPmem =! false
              readAll m |> Array.forall ((=) 0uy) =! true
              m.Copy(4096L, ReadOnlySpan [| 1uy; 2uy; 3uy |])
              m.Fill(0L, 9uy, 16L)
              m.Persist(0L, 1L <<< 20)
              match Pmem.FSharp.Durable.commit m (Pmem.FSharp.Durable.writeInt64 64L 0x1122334455667788L) with
              | Ok() -> ()
              | Error e -> failtestf "commit: %A" e
              let bytes = readAll m
              bytes[4096..4098] =! [| 1uy; 2uy; 3uy |]
              bytes[0..15] =! Array.create 16 9uy
              BitConverter.ToInt64(bytes, 64) =! 0x1122334455667788L
              use ranged = PmemSource.FromAnonymous(64L * page).Map(config (4L * page) (8L * page))
              ranged.Length =! 8L * page
              refused PmemMapError.SourceEmpty (fun () -> PmemSource.FromAnonymous(0L).Map() |> ignore) |> ignore
              refused PmemMapError.MapRange (fun () -> PmemSource.FromAnonymous(page).Map(config 0L (2L * page)) |> ignore) |> ignore
              catchT<ArgumentOutOfRangeException> (fun () -> PmemSource.FromAnonymous(-1L) |> ignore) |> ignore)

          testCase "undefined protection, sharing and granularity values are refused before anything is opened" (fun () ->
              use dir = diskDir ()
              let source = PmemSource.FromPath(dir.File "never-opened")
              for protection in [ PmemProtection.None; PmemProtection.Write; enum<PmemProtection> 4; enum<PmemProtection> 7 ] do
                  refused PmemMapError.InvalidProtection (fun () -> source.Map(PmemMapConfig(Protection = protection)) |> ignore) |> ignore
              refused PmemMapError.InvalidSharing (fun () -> source.Map(PmemMapConfig(Sharing = enum<PmemSharing> 7)) |> ignore) |> ignore
              refused PmemMapError.GranularityNotSupported (fun () ->
                  source.Map(PmemMapConfig(RequiredGranularity = Nullable(enum<PmemGranularity> 9))) |> ignore)
              |> ignore) ]

let tests = testList "PmemSource" [ ranges; rangeProperty; sources ]
