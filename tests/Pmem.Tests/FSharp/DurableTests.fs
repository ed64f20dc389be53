/// Durable.commit against the byte[] model on real mappings (pmem paths on /dev/shm, msync on the disk temp dir),
/// the flush/drain accounting and out-of-range plans (the commit's error cases: DurableErrorTests).
module Pmem.Tests.DurableTests

open System
open System.IO
open System.Threading
open Expecto
open Hedgehog
open Hedgehog.FSharp
open Pmem
open Pmem.FSharp
open Pmem.Tests.TestDsl
open Pmem.Tests.DurableModel
open Pmem.Tests.DurableFixtures

let private lineSize = 64L

let private pageSize = 4096L

/// Commits the generated ops with <paramref name="commit"/> on a fresh mapping in dir; bytes and read values must
/// match the model, also after unmap and remap.
let matchesModelWith (commit: PmemMapping -> PlanOp list -> Result<ReadValue list, PmemError>) (dir: TempDir) (expectPmem: bool) =
    property {
        let! seed = Gen.int32 (Range.constantBounded ())
        let! ops = genOps size
        let initial = initialImage size seed
        let model = Array.copy initial
        let expectedReads = applyModel model ops

        withFile dir initial (fun mapping path ->
            Mapping.isPmem mapping =! expectPmem
            commit mapping ops =! Ok expectedReads
            sameBytes "after commit" (contents mapping) model
            mapping.Dispose()
            use again = path |> Mapping.mapFile MapOptions.existing
            sameBytes "after remap" (contents again) model)
    }

/// matchesModelWith Durable.commitWith of the ops' plan.
let private matchesModel (dir: TempDir) (expectPmem: bool) (options: CommitOptions) =
    matchesModelWith (fun mapping ops -> Durable.commitWith options mapping (toPlan ops)) dir expectPmem

/// The flush and drain calls a commit on pmem must make: per group, each touched line once, in merged ascending
/// runs, then one drain.
let private expectedFlushes (ops: PlanOp list) =
    groups ops
    |> List.collect (fun ranges ->
        let lines = ranges |> List.collect (units lineSize) |> List.distinct |> List.sort
        (runs lines |> List.map FlushedLines) @ [ Drained ])

let private flushesAndDrains events =
    events
    |> List.filter (function
        | FlushedLines _
        | Drained -> true
        | _ -> false)

/// Lines [first, last] a store covers.
let private linesOf (offset: int64) (length: int64) = set (units lineSize (offset, length))

/// Splits events into groups at each drain.
let private eventGroups (events: TargetEvent list) =
    let rec go events current acc =
        match events with
        | [] -> List.rev (if List.isEmpty current then acc else List.rev current :: acc)
        | Drained :: rest -> go rest [] (List.rev current :: acc)
        | e :: rest -> go rest (e :: current) acc

    go events [] []

let private pmemTests =
    testSequenced
    <| testList
        "on pmem (/dev/shm, IsPmemForce)"
        [ testCase "commit yields the model's bytes and reads, and they survive a remap (Auto stores)"
          <| fun () ->
              use _ = withOptions (PmemOptions(IsPmemForce = true))
              use dir = shmDir ()
              Property.checkWith (PropertyConfig.defaults |> PropertyConfig.withTests 150<tests>)
              <| matchesModel dir true CommitOptions.defaults

          testCase "with non-temporal stores forced the bytes are the model's"
          <| fun () ->
              use _ = withOptions (PmemOptions(IsPmemForce = true))
              use dir = shmDir ()
              Property.check (matchesModel dir true { CommitOptions.defaults with Stores = StoreHint.NonTemporal })

          testCase "with ordinary stores each touched line is flushed once per group, and each group drains once"
          <| fun () ->
              use _ = withOptions (PmemOptions(IsPmemForce = true))
              use dir = shmDir ()

              Property.check
              <| property {
                  let! ops = genOps size

                  withFile dir (Array.zeroCreate (int size)) (fun mapping _ ->
                      let options = { CommitOptions.defaults with Stores = StoreHint.Temporal }
                      let result, events = Durable.commitRecorded options mapping (toPlan ops)
                      Expect.isOk result "committed"
                      flushesAndDrains events =! expectedFlushes ops
                      (CommitCounts.ofEvents events).NonTemporalStores =! 0)
              }

          testCase "with non-temporal stores every touched line is flushed once or stored non-temporally"
          <| fun () ->
              use _ = withOptions (PmemOptions(IsPmemForce = true))
              use dir = shmDir ()

              Property.check
              <| property {
                  let! ops = genOps size
                  let! hint = Gen.item [ StoreHint.Auto; StoreHint.NonTemporal ]

                  withFile dir (Array.zeroCreate (int size)) (fun mapping _ ->
                      let result, events =
                          Durable.commitRecorded { CommitOptions.defaults with Stores = hint } mapping (toPlan ops)

                      Expect.isOk result "committed"
                      let expected = groups ops
                      let actual = eventGroups events
                      actual.Length =! expected.Length

                      for ranges, group in List.zip expected actual do
                          let touched = ranges |> List.map (fun (o, l) -> linesOf o l) |> Set.unionMany

                          let flushed =
                              group |> List.collect (function FlushedLines (first, n) -> [ first .. first + n - 1L ] | _ -> [])

                          let nonTemporal =
                              group
                              |> List.map (function
                                  | Stored (o, l, true)
                                  | Filled (o, l, _, true) ->
                                      Expect.equal (o % lineSize, l % lineSize) (0L, 0L) "non-temporal stores are whole lines"
                                      linesOf o l
                                  | _ -> Set.empty)
                              |> Set.unionMany

                          Expect.equal (List.distinct flushed) flushed "no line flushed twice in a group"
                          Expect.isTrue (Set.isSubset (set flushed) touched) "only touched lines are flushed"
                          Expect.equal (Set.union (set flushed) nonTemporal) touched "every touched line is covered")
              }

          testCase "a plan without barriers drains exactly once; each barrier after a write adds one"
          <| fun () ->
              use _ = withOptions (PmemOptions(IsPmemForce = true))
              use dir = shmDir ()

              withFile dir (Array.zeroCreate (int size)) (fun mapping _ ->
                  let drains plan =
                      let result, events = Durable.commitRecorded CommitOptions.defaults mapping plan
                      Expect.isOk result "committed"
                      (CommitCounts.ofEvents events).Drains

                  let scattered =
                      durable {
                          for i in 0L .. 63L do
                              do! Durable.writeInt64 (i * 128L) i
                      }

                  drains scattered =! 1

                  drains (
                      durable {
                          do! Durable.write 64L (Array.create 100 1uy)
                          do! Durable.barrier
                          do! Durable.writeInt64 0L 100L
                          do! Durable.barrier
                          do! Durable.writeInt64 8L 1L
                      }
                  )
                  =! 3

                  drains (Durable.sequence [ Durable.barrier; Durable.barrier ]) =! 0
                  drains (Durable.sequence [ Durable.writeInt64 0L 1L; Durable.barrier ]) =! 1)

          testCase "64 scattered 8-byte writes: 64 lines, one flush call each, one drain"
          <| fun () ->
              use _ = withOptions (PmemOptions(IsPmemForce = true))
              use dir = shmDir ()

              withFile dir (Array.zeroCreate (int size)) (fun mapping _ ->
                  let plan =
                      durable {
                          for i in 0L .. 63L do
                              do! Durable.writeInt64 (i * 128L) i
                      }

                  let _, events = Durable.commitRecorded CommitOptions.defaults mapping plan
                  let counts = CommitCounts.ofEvents events
                  (counts.Stores, counts.FlushCalls, counts.FlushedLines, counts.Drains) =! (64, 64, 64L, 1))

          testCase "FinalDrain = false leaves the last group undrained but barriers still drain"
          <| fun () ->
              use _ = withOptions (PmemOptions(IsPmemForce = true))
              use dir = shmDir ()

              withFile dir (Array.zeroCreate (int size)) (fun mapping _ ->
                  let plan =
                      durable {
                          do! Durable.writeInt64 64L 7L
                          do! Durable.barrier
                          do! Durable.writeInt64 0L 1L
                      }

                  let _, events = Durable.commitRecorded { CommitOptions.defaults with FinalDrain = false } mapping plan
                  flushesAndDrains events =! [ FlushedLines(1L, 1L); Drained; FlushedLines(0L, 1L) ]
                  Mapping.drain mapping)

          testCase "plain commits on one thread each use their own options (changed, reverted, or equal in a new record)"
          <| fun () ->
              // The journal skips setting options the last commit on the thread had (the same record): each commit
              // here is plain (no recording), so only the simulator's events show what it did.
              let image = Array.zeroCreate 8192
              let plan = durable { do! Durable.write 0L (Array.init 4096 byte) }

              let shape (options: CommitOptions) =
                  let run = Durable.simulateWith options image plan
                  run.Value =! Ok()

                  run.Simulator.Events
                  |> Seq.map (function
                      | :? Simulation.PmemEvent.Store as store -> if store.NonTemporal then "nt" else "store"
                      | :? Simulation.PmemEvent.Fence -> "fence"
                      | _ -> "")
                  |> Seq.filter (fun kind -> kind <> "")
                  |> Seq.distinct
                  |> List.ofSeq

              let temporalUndrained = { Stores = StoreHint.Temporal; FinalDrain = false }
              let streamed = { CommitOptions.defaults with Stores = StoreHint.NonTemporal }
              shape streamed =! [ "nt"; "fence" ]
              shape temporalUndrained =! [ "store" ]
              shape streamed =! [ "nt"; "fence" ]
              shape { Stores = StoreHint.Temporal; FinalDrain = false } =! [ "store" ]
              shape temporalUndrained =! [ "store" ]
              shape { temporalUndrained with FinalDrain = true } =! [ "store"; "fence" ]

          testCase "a commit's options and recording do not carry over to the next commit on the thread"
          <| fun () ->
              use _ = withOptions (PmemOptions(IsPmemForce = true))
              use dir = shmDir ()

              withFile dir (Array.zeroCreate (int size)) (fun mapping _ ->
                  let plan = durable { do! Durable.writeInt64 0L 1L }
                  let _, undrained = Durable.commitRecorded { CommitOptions.defaults with FinalDrain = false } mapping plan
                  flushesAndDrains undrained =! [ FlushedLines(0L, 1L) ]
                  let _, drained = Durable.commitRecorded CommitOptions.defaults mapping plan
                  flushesAndDrains drained =! [ FlushedLines(0L, 1L); Drained ]
                  let recording = System.Collections.Generic.List<CommitEvent>()
                  DurableCommit.commitOn (mapping :> IPmemTarget).CommitTarget CommitOptions.defaults recording &plan =! Ok()
                  let recorded = recording.Count
                  // A plain commit after a recorded one records nowhere (the recording's list is not kept).
                  Durable.commit mapping (durable { do! Durable.writeInt64 8L 2L }) =! Ok()
                  (recorded, recording.Count) =! (3, 3)
                  let block = Array.init 4096 byte
                  let _, streamed = Durable.commitRecorded { CommitOptions.defaults with Stores = StoreHint.NonTemporal } mapping (Durable.write 4096L block)
                  let _, temporal = Durable.commitRecorded { CommitOptions.defaults with Stores = StoreHint.Temporal } mapping (Durable.write 4096L block)
                  let streams events = events |> List.exists (function Stored(_, _, true) -> true | _ -> false)
                  (streams streamed, streams temporal) =! (true, false)
                  Mapping.read 4096L 4096L mapping =! block)

          testCase "empty writes touch nothing; a zero-length write at the end is in range"
          <| fun () ->
              use _ = withOptions (PmemOptions(IsPmemForce = true))
              use dir = shmDir ()

              withFile dir (Array.zeroCreate (int size)) (fun mapping _ ->
                  let plan = Durable.sequence [ Durable.write size [||]; Durable.fill 0L 0L 1uy ]
                  let result, events = Durable.commitRecorded CommitOptions.defaults mapping plan
                  result =! Ok [ (); () ]
                  events =! [])

          testCase "a plan with a write out of range returns OutOfRange and leaves the mapping unchanged"
          <| fun () ->
              use _ = withOptions (PmemOptions(IsPmemForce = true))
              use dir = shmDir ()

              Property.check
              <| property {
                  let! seed = Gen.int32 (Range.constantBounded ())
                  let! ops = genOps size
                  let! bad = genOutOfRange size
                  let! position = Gen.int32 (Range.constant 0 ops.Length)
                  let plan = List.take position ops @ [ bad ] @ List.skip position ops
                  let initial = initialImage size seed

                  withFile dir initial (fun mapping _ ->
                      let offset, length = Option.get (written bad)
                      Durable.commit mapping (toPlan plan) =! Error(PmemError.OutOfRange(offset, length, size))
                      sameBytes "after the refused commit" (contents mapping) initial)
              } ]

/// msync on a disk costs milliseconds: fewer cases, and a bounded shrink so that a failure reports in seconds.
let private msyncConfig =
    PropertyConfig.defaults
    |> PropertyConfig.withTests 30<tests>
    |> PropertyConfig.withShrinks 40<shrinks>

let private msyncTests =
    testSequenced
    <| testList
        "on a disk file (msync, default options)"
        [ testCase "commit yields the model's bytes and reads, and they survive a remap"
          <| fun () ->
              use _ = withOptions PmemOptions.Default
              use dir = diskDir ()
              Property.checkWith (msyncConfig)
              <| matchesModel dir false CommitOptions.defaults

          testCase "each run of touched pages is msync'd once per group, and nothing drains"
          <| fun () ->
              use _ = withOptions PmemOptions.Default
              use dir = diskDir ()

              Property.checkWith (msyncConfig)
              <| property {
                  let! ops = genOps size

                  withFile dir (Array.zeroCreate (int size)) (fun mapping _ ->
                      let result, events = Durable.commitRecorded CommitOptions.defaults mapping (toPlan ops)
                      Expect.isOk result "committed"

                      let expected =
                          groups ops
                          |> List.collect (fun ranges ->
                              let pages = ranges |> List.collect (units pageSize) |> List.distinct |> List.sort

                              runs pages
                              |> List.map (fun (first, n) ->
                                  Msynced(first * pageSize, min ((first + n) * pageSize) size - first * pageSize)))

                      let syncs = events |> List.filter (function Msynced _ | Drained | FlushedLines _ -> true | _ -> false)
                      syncs =! expected
                      (CommitCounts.ofEvents events).NonTemporalStores =! 0)
              } ]

let tests =
    testList "Durable" [ pmemTests; msyncTests ]
