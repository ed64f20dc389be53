/// A plain commit's final drain, issued at the commit's end (CommitWork.DrainAtEnd, FinishDrain): on pmem the work
/// owes it after Apply and pays it once; every other commit, target and option drains at once; and no commit returns
/// with a drain still owed.
module Pmem.Tests.CommitDrainAtEndTests

open System
open System.Collections.Generic
open Expecto
open Pmem
open Pmem.FSharp
open Pmem.Simulation
open Pmem.Tests.TestDsl
open Pmem.Tests.DurableFixtures

/// Shapes of work that reach each of Apply's paths: one scalar, one write (temporal and streamed), scalars moving
/// forward across a barrier, scalars moving backward (the group loop), a fill.
let private shapes: (string * CommitStep array) list =
    [ "one scalar", [| CommitStep.Scalar(72L, 8, 5L) |]
      "one 100-byte write", [| CommitStep(CommitStepKind.Write, 130L, 100L, 0L) |]
      "one streamed 4 KiB write", [| CommitStep(CommitStepKind.Write, 4096L, 4096L, 0L) |]
      "forward scalars and a barrier",
      [| CommitStep.Scalar(0L, 8, 1L); CommitStep(CommitStepKind.Barrier, 0L, 0L, 0L); CommitStep.Scalar(64L, 8, 2L) |]
      "backward scalars", [| CommitStep.Scalar(4096L, 8, 1L); CommitStep.Scalar(0L, 8, 2L) |]
      "a fill", [| CommitStep(CommitStepKind.Fill, 10L, 300L, 0xA5L) |] ]

let private memory: ReadOnlyMemory<byte> array = [| ReadOnlyMemory(Array.init 4096 byte) |]

let private readInt64 (offset: int64) (mapping: PmemMapping) = BitConverter.ToInt64(Mapping.read offset 8 mapping, 0)

/// Applies steps to target as a commit does (claimed, then ended); the work after Apply, before FinishDrain.
let private applyOn (target: ICommitTarget) (steps: CommitStep array) (finalDrain: bool) (drainAtEnd: bool) (events: List<CommitEvent> | null) =
    let work = CommitWork.Of(ReadOnlySpan steps, ReadOnlySpan memory, PmemCopyFlags.None, finalDrain, events)
    work.SetDrainAtEnd drainAtEnd
    let slot = MappingUse.ForThisThread
    target.TryBegin slot =! true
    target.Apply work =! null
    target.End slot
    work

// Sequenced: the cases set process-wide options (PmemOptions.Use), which parallel tests would see.
let tests =
    testSequenced
    <| testList
        "Commit drain at end"
        [ testCase "on pmem, a work that leaves its final drain to the end owes it after Apply, and FinishDrain pays it once"
          <| fun () ->
              use _ = withOptions (PmemOptions(IsPmemForce = true))
              use dir = shmDir ()

              withFile dir (Array.zeroCreate (int size)) (fun mapping _ ->
                  mapping.IsPmem =! true

                  for name, steps in shapes do
                      for finalDrain in [ true; false ] do
                          for drainAtEnd in [ true; false ] do
                              let work = applyOn mapping steps finalDrain drainAtEnd null
                              let label = $"{name}, FinalDrain {finalDrain}, DrainAtEnd {drainAtEnd}"
                              Expect.equal work.DrainOwed (finalDrain && drainAtEnd) $"{label}: owed after Apply"
                              work.FinishDrain()
                              Expect.isFalse work.DrainOwed $"{label}: paid by FinishDrain"

                  // A commit's only store, never recorded (ICommitTarget.ApplyOnlyWrite / ApplyOnlyScalar).
                  let direct = CommitWork.Of(ReadOnlySpan<CommitStep>.Empty, ReadOnlySpan<ReadOnlyMemory<byte>>.Empty, PmemCopyFlags.None, true)
                  direct.SetDrainAtEnd true
                  let slot = MappingUse.ForThisThread
                  (mapping :> ICommitTarget).TryBegin slot =! true
                  (mapping :> ICommitTarget).ApplyOnlyScalar(direct, 8L, 8, 7L)
                  (mapping :> ICommitTarget).End slot
                  direct.Count =! 0
                  Expect.isTrue direct.DrainOwed "the direct scalar owes the drain"
                  direct.FinishDrain()
                  (mapping :> ICommitTarget).TryBegin slot =! true
                  (mapping :> ICommitTarget).ApplyOnlyWrite(direct, 4096L, Array.create 4096 3uy, 0, 4096)
                  (mapping :> ICommitTarget).End slot
                  Expect.isTrue direct.DrainOwed "the direct 4 KiB write owes the drain"
                  direct.FinishDrain()
                  Expect.isFalse direct.DrainOwed "paid"
                  (mapping :> ICommitTarget).TryBegin slot =! true
                  (mapping :> ICommitTarget).ApplyOnlyFill(direct, 256L, 1024L, 5uy)
                  (mapping :> ICommitTarget).End slot
                  direct.Count =! 0
                  Expect.isTrue direct.DrainOwed "the direct fill owes the drain"
                  direct.FinishDrain()
                  (mapping :> ICommitTarget).TryBegin slot =! true
                  (mapping :> ICommitTarget).ApplyOnlyMemory(direct, 2048L, ReadOnlyMemory(Array.create 512 9uy))
                  (mapping :> ICommitTarget).End slot
                  direct.Count =! 0
                  Expect.isTrue direct.DrainOwed "the direct write of memory owes the drain"
                  direct.FinishDrain()
                  readInt64 8L mapping =! 7L
                  Mapping.read 4096L 4096 mapping =! Array.create 4096 3uy
                  Mapping.read 256L 1024 mapping =! Array.create 1024 5uy
                  Mapping.read 2048L 512 mapping =! Array.create 512 9uy)

          testCase "where a drain is recorded or is not a fence (events, the simulator, the msync path), it is issued at once"
          <| fun () ->
              for name, steps in shapes do
                  // Recorded calls: the drain is among them, last, and nothing is owed.
                  use _ = withOptions (PmemOptions(IsPmemForce = true))
                  use dir = shmDir ()

                  withFile dir (Array.zeroCreate (int size)) (fun mapping _ ->
                      let events = List<CommitEvent>()
                      let work = applyOn mapping steps true true events
                      Expect.isFalse work.DrainOwed $"{name}, recorded: nothing owed"
                      (Seq.last events).Kind =! CommitEventKind.Drained)

                  // The simulator records its fence where the commit issues it.
                  let simulator = PmemSimulator(ReadOnlySpan(Array.zeroCreate<byte> (int size)))
                  let work = applyOn simulator steps true true null
                  Expect.isFalse work.DrainOwed $"{name}, simulator: nothing owed"
                  Expect.isTrue ((Seq.last simulator.Events) :? PmemEvent.Fence) $"{name}, simulator: its fence is the last event"

                  // Off pmem a commit msyncs; there is no fence to defer.
                  use _ = withOptions (PmemOptions(IsPmemForce = false))
                  use disk = diskDir ()

                  withFile disk (Array.zeroCreate (int size)) (fun mapping _ ->
                      mapping.IsPmem =! false
                      let work = applyOn mapping steps true true null
                      Expect.isFalse work.DrainOwed $"{name}, msync path: nothing owed")

          testCase "no commit returns with a drain owed: plain, general, nested, stopped and atomic commits on pmem"
          <| fun () ->
              use _ = withOptions (PmemOptions(IsPmemForce = true))
              use dir = shmDir ()

              withFile dir (Array.zeroCreate (int size)) (fun mapping _ ->
                  let owed () = CommitScratch.ForThread().Journal.Work.DrainOwed
                  let record = Array.init 64 byte
                  let block = Array.create 4096 9uy

                  let plans: (string * Durable<unit>) list =
                      [ "one write", durable { do! Durable.writeInt64 0L 1L }
                        "a log append",
                        durable {
                            do! Durable.write 128L record
                            do! Durable.barrier
                            do! Durable.writeInt64 64L 2L
                        }
                        "a 4 KiB write", durable { do! Durable.write 2048L block }
                        "scattered writes",
                        durable {
                            for offset in [| 0L; 4096L; 2048L; 16L |] do
                                do! Durable.writeInt64 offset 3L
                        }
                        "a plan that reads", Durable.readInt64 0L |> Durable.bind (fun v -> Durable.writeInt64 8L (v + 1L))
                        "a commit inside a plan's code",
                        durable {
                            do! Durable.writeInt64 24L 4L
                            Durable.commit mapping (durable { do! Durable.writeInt64 32L 5L }) =! Ok()
                        }
                        "a plan stopped out of range", durable { do! Durable.writeInt64 size 6L } ]

                  for name, plan in plans do
                      Durable.commit mapping plan |> ignore
                      Expect.isFalse (owed ()) $"{name}: a drain owed after the commit returned"

                  Durable.commitAtomicWith (RedoLogRegion.AtEnd(size, 1024L)) mapping (durable { do! Durable.writeInt64 40L 7L })
                  =! Ok()
                  Expect.isFalse (owed ()) "atomic commit: a drain owed after it returned"
                  readInt64 32L mapping =! 5L
                  readInt64 40L mapping =! 7L) ]
