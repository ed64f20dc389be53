/// CommitApply on generated step lists: within each barrier group every line ordinary stores touched is flushed exactly
/// once, after the group's last store into it, by maximal runs, then one drain. Groups whose stores move forward flush
/// each run as soon as a store starts past it (GroupRuns.MovesForward); the others sort and merge at the group's end.
module Pmem.Tests.CommitFlushOrderTests

open System
open System.Collections.Generic
open Expecto
open Hedgehog
open Hedgehog.FSharp
open Pmem
open Pmem.Tests.TestDsl

let private length = 16384L
let private memory: ReadOnlyMemory<byte> array = [| ReadOnlyMemory(Array.init 4096 byte) |]

let private genStep: Gen<CommitStep> =
    gen {
        let! kind = Gen.frequency [ 5, Gen.constant 0; 3, Gen.constant 1; 1, Gen.constant 2; 1, Gen.constant 3 ]
        let! offset = Gen.int64 (Range.constant 0L (length - 512L))

        match kind with
        | 0 ->
            let! width = Gen.item [ 1; 2; 4; 8 ]
            return CommitStep.Scalar(offset &&& ~~~(int64 width - 1L), width, 7L)
        | 1 ->
            let! stepLength = Gen.int64 (Range.linear 1L 400L)
            return CommitStep(CommitStepKind.Write, offset, stepLength, 0L)
        | 2 ->
            let! stepLength = Gen.int64 (Range.linear 1L 400L)
            return CommitStep(CommitStepKind.Fill, offset, stepLength, 0x5AL)
        | _ -> return CommitStep(CommitStepKind.Barrier, 0L, 0L, 0L)
    }

/// Steps as generated, or with each group's stores sorted by offset (then the group usually moves forward).
let private genSteps: Gen<CommitStep array> =
    gen {
        let! steps = Gen.list (Range.linear 1 24) genStep
        let! sortGroups = Gen.bool

        if not sortGroups then
            return Array.ofList steps
        else
            let groups = ResizeArray<CommitStep list>([ [] ])

            for step in steps do
                if step.Kind = CommitStepKind.Barrier then
                    groups.Add [ step ]
                else
                    groups[groups.Count - 1] <- groups[groups.Count - 1] @ [ step ]

            return
                groups
                |> Seq.collect (fun group ->
                    let barriers, stores = group |> List.partition (fun s -> s.Kind = CommitStepKind.Barrier)
                    barriers @ (stores |> List.sortBy (fun s -> s.Offset)))
                |> Array.ofSeq
    }

let private lineRange (offset: int64) (count: int64) = [ offset >>> 6 .. (offset + count - 1L) >>> 6 ]

/// Checks the flush guarantees of one commit's events; returns how many groups were checked.
let private checkGroups (events: CommitEvent list) =
    let mutable groups = 0
    let mutable touched = Set.empty
    let mutable flushed: (int64 * int64) list = []
    let mutable lastStore = Map.empty<int64, int>
    let mutable lastFlush = Map.empty<int64, int>

    events
    |> List.iteri (fun i e ->
        match e.Kind with
        | CommitEventKind.Stored
        | CommitEventKind.Filled when not e.NonTemporal ->
            for line in lineRange e.Offset e.Length do
                touched <- touched.Add line
                lastStore <- lastStore.Add(line, i)
        | CommitEventKind.FlushedLines ->
            for line in [ e.Offset .. e.Offset + e.Length - 1L ] do
                lastFlush.ContainsKey line =! false // each line once per group
                lastFlush <- lastFlush.Add(line, i)

            flushed <- flushed @ [ e.Offset, e.Offset + e.Length ]
        | CommitEventKind.Drained ->
            groups <- groups + 1
            Set.ofSeq lastFlush.Keys =! touched
            // Each line flushed after the group's last store into it.
            for KeyValue (line, at) in lastFlush do
                Expect.isGreaterThan at lastStore[line] $"line {line} flushed after its last store"
            // Maximal runs: no two flush calls of the group overlap or touch.
            let sorted = flushed |> List.sort

            for (_, stop), (first, _) in List.pairwise sorted do
                Expect.isGreaterThan first stop "flush runs are merged"

            touched <- Set.empty
            flushed <- []
            lastStore <- Map.empty
            lastFlush <- Map.empty
        | _ -> ())

    // Every group that stored ended with a drain (FinalDrain): nothing left unflushed.
    touched =! Set.empty
    groups

/// The calls CommitApply.Apply made for steps on pmem (a final drain), recorded.
let private applied (steps: CommitStep array) =
    let events = List<CommitEvent>()
    let work = CommitWork.Of(ReadOnlySpan steps, ReadOnlySpan memory, PmemCopyFlags.None, true, events, false)
    let mutable stores = RecordingStores<NoStores>(NoStores length, events, false)
    CommitApply.Apply(&stores, true, work)
    List.ofSeq events

/// The calls TryApplyTemporal made (None when it declined; then it issued nothing) and the calls Apply made.
let private shortAndLoop (steps: CommitStep array) (hint: PmemCopyFlags) (finalDrain: bool) =
    let work = CommitWork.Of(ReadOnlySpan steps, ReadOnlySpan memory, hint, finalDrain)
    let short = List<CommitEvent>()
    let loop = List<CommitEvent>()
    let mutable shortStores = RecordingStores<NoStores>(NoStores length, short, false)
    let took = CommitApply.TryApplyTemporal(&shortStores, true, work)
    let mutable loopStores = RecordingStores<NoStores>(NoStores length, loop, false)
    CommitApply.Apply(&loopStores, true, work)
    (if took then Some(List.ofSeq short) else (short.Count =! 0; None)), List.ofSeq loop

let tests =
    testList
        "Commit flush order"
        [ testPropertyN "temporal stores moving forward: the short loop issues exactly the group loop's calls" 300
          <| property {
              let! steps = genSteps
              let! finalDrain = Gen.bool
              let! hint = Gen.item [ PmemCopyFlags.None; PmemCopyFlags.Temporal; PmemCopyFlags.NonTemporal ]
              let short, loop = shortAndLoop steps hint finalDrain

              match short with
              | Some calls -> calls =! loop
              | None ->
                  // Declined only for work with a streamed store (a non-temporal event in the loop's calls), with
                  // no store at all, or whose groups do not move forward.
                  let streamed = loop |> List.exists (fun e -> e.NonTemporal)
                  let anyStore = steps |> Array.exists (fun s -> s.Kind <> CommitStepKind.Barrier)
                  (GroupRuns.MovesForward(ReadOnlySpan steps) && anyStore && not streamed) =! false
          }

          testCase "the short loop takes a log append; declines streamed writes and fills, reads and recorded work"
          <| fun () ->
              let scalar = CommitStep.Scalar(0L, 8, 1L)
              let record = CommitStep(CommitStepKind.Write, 64L, 64L, 0L)
              let barrier = CommitStep(CommitStepKind.Barrier, 0L, 0L, 0L)
              let calls, loop = shortAndLoop [| record; barrier; scalar |] PmemCopyFlags.None true
              calls =! Some loop

              for other in
                  [ CommitStep(CommitStepKind.Write, 64L, 4096L, 0L)
                    CommitStep(CommitStepKind.Fill, 64L, 4096L, 1L)
                    CommitStep(CommitStepKind.Write, 64L, 64L, 0L)
                    CommitStep(CommitStepKind.Read, 64L, 8L, 0L) ] do
                  let hint = if other.Length = 64L && other.Kind = CommitStepKind.Write then PmemCopyFlags.NonTemporal else PmemCopyFlags.None
                  fst (shortAndLoop [| scalar; other |] hint true) =! None

              let work = CommitWork.Of(ReadOnlySpan [| scalar |], ReadOnlySpan memory, PmemCopyFlags.None, true, List<CommitEvent>(), false)
              let mutable stores = NoStores length
              CommitApply.TryApplyTemporal(&stores, true, work) =! false
              CommitApply.TryApplyTemporal(&stores, false, CommitWork.Of(ReadOnlySpan [| scalar |], ReadOnlySpan memory, PmemCopyFlags.None, true)) =! false

          testPropertyN "each touched line flushed once per group, after its last store, by merged runs" 300
          <| property {
              let! steps = genSteps
              checkGroups (applied steps) |> ignore
          }

          testCase "groups that move forward flush each run as soon as a store starts past it"
          <| fun () ->
              let steps =
                  [| CommitStep.Scalar(0L, 8, 1L)
                     CommitStep.Scalar(64L, 8, 2L) // the next line: the same run
                     CommitStep.Scalar(4096L, 8, 3L) // past it: [0, 2) is flushed now
                     CommitStep.Scalar(8192L, 8, 4L) |]

              applied steps |> List.map (fun e -> e.Kind, e.Offset, e.Length)
              =! [ CommitEventKind.Stored, 0L, 8L
                   CommitEventKind.Stored, 64L, 8L
                   CommitEventKind.Stored, 4096L, 8L
                   CommitEventKind.FlushedLines, 0L, 2L
                   CommitEventKind.Stored, 8192L, 8L
                   CommitEventKind.FlushedLines, 64L, 1L
                   CommitEventKind.FlushedLines, 128L, 1L
                   CommitEventKind.Drained, 0L, 0L ]

          testCase "a group that goes back sorts and merges its runs at its end"
          <| fun () ->
              let steps =
                  [| CommitStep.Scalar(4096L, 8, 1L)
                     CommitStep.Scalar(0L, 8, 2L)
                     CommitStep.Scalar(4104L, 8, 3L) |]

              applied steps |> List.map (fun e -> e.Kind, e.Offset, e.Length)
              =! [ CommitEventKind.Stored, 4096L, 8L
                   CommitEventKind.Stored, 0L, 8L
                   CommitEventKind.Stored, 4104L, 8L
                   CommitEventKind.FlushedLines, 0L, 1L
                   CommitEventKind.FlushedLines, 64L, 1L
                   CommitEventKind.Drained, 0L, 0L ] ]
