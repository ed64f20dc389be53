/// Crash properties (Pmem.Hedgehog) catching a real bug: an append-only log whose commit writes the tail pointer
/// without a barrier fails the property, with a small counterexample; the same append with Durable.barrier passes.
/// Plus the crash generators, the crash description, and plans run on the simulator issuing a real commit's calls.
module Pmem.Tests.CrashPropertyTests

open System
open System.Buffers.Binary
open Expecto
open Hedgehog
open Hedgehog.FSharp
open Pmem
open Pmem.FSharp
open Pmem.Hedgehog
open Pmem.Simulation
open Pmem.Tests.TestDsl

// The log: an 8-byte tail (bytes of records in use) alone on line 0, records from byte 64: a 4-byte length, then
// the payload.

let private tailOffset = 0L

let private recordsStart = 64L

let private deviceSize = 1024

/// Appends records in one commit; with <paramref name="barrier"/> the records are durable before the tail moves.
let private append (barrier: bool) (records: byte array list) =
    // Where each record starts, relative to the current end of the log; the last entry is the appended length.
    let starts = records |> List.scan (fun at (r: byte array) -> at + 4L + int64 r.Length) 0L

    durable {
        let! tail = Durable.readInt64 tailOffset

        for start, record in List.zip (List.take records.Length starts) records do
            let at = recordsStart + tail + start
            do! Durable.writeInt32 at record.Length
            do! Durable.write (at + 4L) record

        if barrier then
            do! Durable.barrier

        do! Durable.writeInt64 tailOffset (tail + List.last starts)
    }

/// Reads the log out of an image: the records up to the tail, or None when the tail or a length is impossible.
let private readLog (image: byte array) : byte array list option =
    let tail = BinaryPrimitives.ReadInt64LittleEndian(ReadOnlySpan(image, 0, 8))
    let stop = recordsStart + tail

    let rec from (at: int64) acc =
        if at = stop then
            Some(List.rev acc)
        elif at + 4L > stop then
            None
        else
            let length = int64 (BinaryPrimitives.ReadInt32LittleEndian(ReadOnlySpan(image, int at, 4)))

            if length < 0L || at + 4L + length > stop then
                None
            else
                from (at + 4L + length) (image[int at + 4 .. int (at + 3L + length)] :: acc)

    if tail < 0L || stop > int64 image.Length then None else from recordsStart []

let private genRecord = Gen.array (Range.linear 1 40) (Gen.byte (Range.constant 1uy 255uy))

/// A device holding an empty log, or one with the records already appended (durably).
let private logWith (records: byte array list) =
    let run = Durable.simulate (Array.zeroCreate deviceSize) (append true records)
    run.Simulator.CurrentImage()

/// The property: after a crash at any moment of appending `records`, the log holds the old records or all of them.
let private appendProperty (search: CrashSearch) (barrier: bool) =
    property {
        let! existing = Gen.list (Range.linear 0 2) genRecord
        let! records = Gen.list (Range.linear 1 4) genRecord
        let oldOrNew log = log = Some existing || log = Some(existing @ records)
        do! CrashProperty.forPlanWith search readLog oldOrNew (logWith existing) (append barrier records)
    }

let private config tests =
    PropertyConfig.defaults |> PropertyConfig.withTests tests

/// The journal lines of a failed report.
let private failure (report: Report) =
    match report.Status with
    | Failed data -> Journal.eval data.Journal |> List.ofSeq
    | status -> failtestf "the property should have failed; it ended %A after %d tests" status report.Tests

let private crashOf lines =
    lines
    |> List.pick (function
        | TestParameter ("crash", (:? CrashImage as crash)) -> Some crash
        | _ -> None)

let private generated lines =
    lines
    |> List.choose (function
        | GeneratedValue (:? (byte array list) as value) -> Some value
        | _ -> None)

let private bugTests =
    testList
        "an append-only log"
        [ testCase "writing the tail pointer without a barrier fails the property, shrunk to one record and an early crash"
          <| fun () ->
              let report = Property.reportWith (config 200<tests>) (appendProperty CrashSearch.Generated false)
              let lines = failure report

              // Shrunk: no earlier records, one short record of ones. (Usually one byte; the crash is drawn anew
              // for each shrunk plan, so shrinking can stop at two or three bytes.)
              let record =
                  match generated lines with
                  | [ existing; [ record ] ] ->
                      existing =! []
                      Expect.isLessThanOrEqual record.Length 3 "a record of at most 3 bytes"
                      record =! Array.create record.Length 1uy
                      record
                  | other -> failtestf "expected no earlier records and one appended record, got %A" other

              // The crash: after the tail store (event 3: length, payload, tail), before the fence persisted it all;
              // the tail's line persisted, the record's did not.
              let crash = crashOf lines
              Expect.isTrue (crash.EventCount = 3 || crash.EventCount = 4) $"an early crash point: {crash}"
              List.ofSeq crash.Prefixes =! [ 1; 0 ]
              BinaryPrimitives.ReadInt64LittleEndian(ReadOnlySpan(crash.Image, 0, 8)) =! 4L + int64 record.Length
              crash.Image[64 .. 67 + record.Length] =! Array.zeroCreate (4 + record.Length)

              let text = Report.render report
              Expect.stringContains text "write    [64, 68)" "the plan, rendered"
              Expect.stringContains text "----- crash -----" "the crash point"
              Expect.stringContains text "line 1 [64, 128): 0 of" "the lost record line"
              Expect.stringContains text "Recovered state" "the recovered state"

          testCase "the same bug is found by the exhaustive search, at the first crash that shows it" (fun () ->
              let property =
                  CrashProperty.forPlanWith
                      (CrashSearch.Exhaustive 1000)
                      readLog
                      (fun log -> log = Some [] || log = Some [ "abc"B ])
                      (logWith [])
                      (append false [ "abc"B ])

              let crash = crashOf (failure (Property.report property))
              crash.EventCount =! 3
              List.ofSeq crash.Prefixes =! [ 1; 0 ])

          testCase "with Durable.barrier the property passes (generated crashes)"
          <| fun () -> Property.checkWith (config 300<tests>) (appendProperty CrashSearch.Generated true)

          testCase "with Durable.barrier the property passes (every crash point, every image)"
          <| fun () -> Property.checkWith (config 60<tests>) (appendProperty (CrashSearch.Exhaustive 100_000) true) ]

let private genTests =
    testList
        "generators"
        [ testProperty "CrashGen.crash gives only images the model allows, at points inside the run"
          <| property {
              let! records = Gen.list (Range.linear 1 3) genRecord
              let run = Durable.simulate (Array.zeroCreate deviceSize) (append false records)
              let! crash = CrashGen.crash run.Simulator
              Expect.isTrue (crash.EventCount >= 0 && crash.EventCount <= run.Simulator.Events.Count) "point in range"
              let state = run.Simulator.CrashStateAt crash.EventCount
              let allowed = state.Images(CrashEngine.Full) |> Seq.exists (fun image -> image = crash.Image)
              Expect.isTrue allowed $"{crash} is one of its state's images"
          }

          testCase "Crash.describe names the events, the crash point, the lines and the differences" (fun () ->
              let run = Durable.simulate (Array.zeroCreate deviceSize) (append false [ "xy"B ])
              let state = run.Simulator.CrashStateAt 3
              let text = Crash.describe run.Simulator (CrashImage(state, [ 1; 0 ]))
              Expect.stringContains text "Crash after 3 of 5 events" "the point"
              Expect.stringContains text "1  store [64, 68)  02 00 00 00" "first event, with its bytes"
              Expect.stringContains text "3  store [0, 8)  06 00 00 00 00 00 00 00" "the tail store"
              Expect.stringContains text "4  flush [0, 128)  (did not happen)" "what did not happen"
              Expect.stringContains text "line 0 [0, 64): 1 of 1 units persisted" "the tail line"
              Expect.stringContains text "line 1 [64, 128): 0 of 6 units persisted" "the record line"
              Expect.stringContains text "lost:      [64, 70)" "the record's bytes, lost"
              Expect.stringContains text "[0, 1)           before 00\n                   image  06" "diff against before")

          testCase "Crash.diff lists differing ranges, or says there are none" (fun () ->
              Crash.diff [| 1uy; 2uy; 3uy |] [| 1uy; 2uy; 3uy |] =! "no byte differs\n"
              let text = Crash.diff [| 0uy; 0uy; 0uy; 0uy |] [| 9uy; 0uy; 7uy; 7uy |]
              Expect.stringContains text "[0, 1)" "first range"
              Expect.stringContains text "[2, 4)" "second range"
              Expect.stringContains text "after  07 07" "bytes after") ]

/// Simulator events in the shape of the commit's target events, for comparison.
let private asTargetEvents (device: PmemSimulator) =
    [ for e in device.Events ->
          match e with
          | :? PmemEvent.Store as s -> $"store {s.Offset} {s.Bytes.Length} {s.NonTemporal}"
          | :? PmemEvent.Flush as f -> $"flush {f.Offset / 64L} {f.Length / 64L}"
          | :? PmemEvent.Fence -> "drain"
          | e -> string e ]

let private fromTargetEvents (events: TargetEvent list) =
    [ for e in events ->
          match e with
          | Stored (offset, length, nt)
          | Filled (offset, length, _, nt) -> $"store {offset} {length} {nt}"
          | FlushedLines (first, count) -> $"flush {first} {count}"
          | Drained -> "drain"
          | Msynced (offset, length) -> $"msync {offset} {length}" ]

let private sequencedTests =
    testSequenced
    <| testList
        "on the simulator, a plan"
        [ testCase "issues exactly the stores, flushes and drains its commit issues on a pmem mapping" (fun () ->
              use _ = withOptions (PmemOptions(IsPmemForce = true))
              use dir = shmDir ()

              Property.checkWith (config 60<tests>)
              <| property {
                  let! ops = DurableModel.genOps 8192L
                  let plan = DurableModel.toPlan ops
                  let path = dir.File $"{Guid.NewGuid():N}.pmem"
                  use mapping = path |> Mapping.mapFile (MapOptions.create 8192L)
                  let real, events = Durable.commitRecorded CommitOptions.defaults mapping plan
                  let run = Durable.simulate (Array.zeroCreate 8192) plan
                  run.Value =! real
                  asTargetEvents run.Simulator =! fromTargetEvents events
                  run.Simulator.CurrentImage() =! Mapping.read 0L 8192L mapping
              }) ]

let tests = testList "Crash properties" [ bugTests; genTests; sequencedTests ]
