/// commitAtomic when msync fails around the commit mark: each answer is checked against every crash image of the
/// device after the call (what recovery would find after a power failure at that moment).
module Pmem.Tests.AtomicCommitFailureTests

open System
open Expecto
open Pmem
open Pmem.FSharp
open Pmem.Simulation
open Pmem.Tests.TestDsl

let private dataSize = 512

let private logSize = 4096L

let private region = RedoLogRegion.AtEnd(int64 (dataSize + int logSize), logSize)

/// Where the redo log keeps its commit mark.
let private markOffset = region.Offset + int64 RedoLogLayout.CommitOffset

/// A simulated device whose durable stores of the commit mark fail on the given calls (1 = the first): the store
/// happens, is not made durable, and PmemException (EIO) is raised, as when msync fails.
type private FailingMark(device: PmemSimulator, failOn: Set<int>) =
    let mutable calls = 0

    interface IPmemTarget with
        member _.Length = device.Length
        member _.IsPmem = device.IsPmem
        member _.Read(offset, destination) = device.Read(offset, destination)

        member _.Copy(offset, source, flags) =
            if offset = markOffset && flags = PmemCopyFlags.None then
                calls <- calls + 1

                if failOn.Contains calls then
                    device.Copy(offset, source, PmemCopyFlags.NoFlush)
                    raise (PmemException(5, "msync failed: Input/output error (EIO), injected by the test"))

            device.Copy(offset, source, flags)

        member _.Flush(offset, length) = device.Flush(offset, length)
        member _.Drain() = device.Drain()
        member _.Persist(offset, length) = device.Persist(offset, length)

/// Commits one 100-byte write through a device failing as failOn says; returns the answer and the data that
/// recovery leaves in every crash image of the device as it is after the call.
let private commitFailing (failOn: Set<int>) =
    let device = PmemSimulator(dataSize + int logSize)
    let result = Durable.commitAtomicWith region (FailingMark(device, failOn)) (Durable.write 0L (Array.create 100 7uy))

    let recovered =
        [ for crash in device.CrashImages(CrashEngine.Full, 100_000) do
              if crash.EventCount = device.Events.Count then
                  let after = PmemSimulator(ReadOnlySpan crash.Image)
                  Durable.recoverWith region after |> Result.mapError PmemError.describe |> ignore
                  yield after.CurrentImage()[.. 99] ]

    result, recovered

let private oldData = Array.zeroCreate<byte> 100
let private newData = Array.create 100 7uy

let tests =
    testList
        "Atomic commit when msync fails at the commit mark"
        [ testCase "the mark's msync fails, taking it back succeeds: Error Io, and no crash image recovers the write" (fun () ->
              let result, recovered = commitFailing (set [ 1 ])
              Expect.isTrue (match result with Error(PmemError.Io _) -> true | _ -> false) $"Io, got {result}"
              Expect.isNonEmpty recovered "crash images"
              Expect.allEqual recovered oldData "nothing was committed")

          testCase "the mark's msync fails and taking it back fails too: CommitUndecided, and crash images recover either state" (fun () ->
              let result, recovered = commitFailing (set [ 1; 2 ])

              match result with
              | Error(PmemError.RedoLog(RedoLogError.CommitUndecided, message)) -> Expect.stringContains message "may or may not" "says so"
              | other -> failtestf "expected RedoLog CommitUndecided, got %A" other

              Expect.all recovered (fun d -> d = oldData || d = newData) "old or new"
              // Why neither "nothing committed" (Error Io) nor "committed" (Ok) would be true:
              Expect.contains recovered oldData "some crash image recovers the old state"
              Expect.contains recovered newData "some crash image recovers the new state")

          testCase "the mark is durable, clearing it fails: Ok, and every crash image recovers the write" (fun () ->
              let result, recovered = commitFailing (set [ 2 ])
              result =! Ok()
              Expect.isNonEmpty recovered "crash images"
              Expect.allEqual recovered newData "committed") ]
