/// CommitApply.TryApplyOneScalar: the one-scalar commit's short path issues exactly the calls the group loop issues,
/// and declines (issuing nothing) every other work.
module Pmem.Tests.CommitFastPathTests

open System
open System.Collections.Generic
open Expecto
open Pmem
open Pmem.Tests.TestDsl

let private length = 8192L

/// The calls the short path made for steps (None when it declined), and the calls the group loop made.
let private both (steps: CommitStep array) (pmem: bool) (finalDrain: bool) (events: List<CommitEvent> | null) =
    let shortCalls = List<CommitEvent>()
    let loopCalls = List<CommitEvent>()
    let memory: ReadOnlyMemory<byte> array = [| ReadOnlyMemory(Array.zeroCreate 64) |]

    let work =
        CommitWork(ReadOnlySpan steps, ReadOnlySpan memory, PmemCopyFlags.None, finalDrain, TouchedRuns(), events, true)

    let mutable shortStores = RecordingStores<NoStores>(NoStores length, shortCalls, false)
    let took = CommitApply.TryApplyOneScalar(&shortStores, pmem, &work)
    let mutable loopStores = RecordingStores<NoStores>(NoStores length, loopCalls, false)
    CommitApply.Apply(&loopStores, pmem, &work) |> ignore
    (if took then Some(List.ofSeq shortCalls) else (shortCalls.Count =! 0; None)), List.ofSeq loopCalls

let tests =
    testList
        "Commit short path"
        [ testCase "one scalar on pmem: the same stores, line flushes and drain as the group loop"
          <| fun () ->
              for width in [ 1; 2; 4; 8 ] do
                  for offset in [ 0L .. 130L ] @ [ length - 72L .. length - int64 width ] do
                      for finalDrain in [ true; false ] do
                          let step = CommitStep.Scalar(offset, width, 0x0102030405060708L)
                          let short, loop = both [| step |] true finalDrain null
                          short =! Some loop

          testCase "anything else is declined with nothing issued"
          <| fun () ->
              let scalar = CommitStep.Scalar(8L, 8, 1L)
              let write = CommitStep(CommitStepKind.Write, 0L, 64L, 0L)
              let barrier = CommitStep(CommitStepKind.Barrier, 0L, 0L, 0L)
              fst (both [| scalar; scalar |] true true null) =! None
              fst (both [| scalar; barrier |] true true null) =! None
              fst (both [| write |] true true null) =! None
              fst (both [||] true true null) =! None
              fst (both [| scalar |] false true null) =! None
              fst (both [| scalar |] true true (List<CommitEvent>())) =! None ]
