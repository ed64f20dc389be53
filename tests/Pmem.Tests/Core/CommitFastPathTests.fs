/// CommitApply.TryApplyOne: the short path of a one-store commit (a scalar, a write, a fill) issues exactly the calls
/// the group loop issues, and declines (issuing nothing) every other work.
module Pmem.Tests.CommitFastPathTests

open System
open System.Collections.Generic
open Expecto
open Pmem
open Pmem.Tests.TestDsl

let private length = 8192L

/// The calls the short path made for steps (None when it declined), and the calls the group loop made.
let private bothWith (hint: PmemCopyFlags) (steps: CommitStep array) (pmem: bool) (finalDrain: bool) (events: List<CommitEvent> | null) =
    let shortCalls = List<CommitEvent>()
    let loopCalls = List<CommitEvent>()
    let memory: ReadOnlyMemory<byte> array = [| ReadOnlyMemory(Array.init 4096 byte) |]

    let work =
        CommitWork.Of(ReadOnlySpan steps, ReadOnlySpan memory, hint, finalDrain, events, true)

    let mutable shortStores = RecordingStores<NoStores>(NoStores length, shortCalls, false)
    let took = CommitApply.TryApplyOne(&shortStores, pmem, work)
    let mutable loopStores = RecordingStores<NoStores>(NoStores length, loopCalls, false)
    CommitApply.Apply(&loopStores, pmem, work) |> ignore
    (if took then Some(List.ofSeq shortCalls) else (shortCalls.Count =! 0; None)), List.ofSeq loopCalls

let private both = bothWith PmemCopyFlags.None

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

          testCase "one write or fill on pmem, temporal or streamed: the same calls as the group loop"
          <| fun () ->
              let lengths = [ 1L; 7L; 63L; 64L; 65L; 127L; 128L; 200L; 255L; 256L; 257L; 1000L; 4095L; 4096L ]
              let mutable streamed = 0

              for hint in [ PmemCopyFlags.None; PmemCopyFlags.NonTemporal; PmemCopyFlags.Temporal ] do
                  for stepLength in lengths do
                      for offset in [ 0L; 1L; 8L; 63L; 64L; 100L; 128L; length - stepLength ] do
                          for finalDrain in [ true; false ] do
                              let write = CommitStep(CommitStepKind.Write, offset, stepLength, 0L)
                              let fill = CommitStep(CommitStepKind.Fill, offset, stepLength, 0xA5L)

                              for step in [ write; fill ] do
                                  let short, loop = bothWith hint [| step |] true finalDrain null
                                  short =! Some loop

                                  if loop |> List.exists (fun e -> e.NonTemporal) then
                                      streamed <- streamed + 1

              // The hint NonTemporal streams the whole lines of every write that has one: that branch was compared too.
              Expect.isGreaterThan streamed 0 "some writes were streamed"

          testCase "a block's only write applied at once (ApplyOnlyWrite, never recorded): the same calls as the group loop"
          <| fun () ->
              let bytes = Array.init 4096 (fun i -> byte (i * 7))
              let mutable streamed = 0

              for hint in [ PmemCopyFlags.None; PmemCopyFlags.NonTemporal; PmemCopyFlags.Temporal ] do
                  for stepLength in [ 1; 8; 63; 64; 65; 128; 255; 256; 257; 1000; 4095; 4096 ] do
                      for offset in [ 0L; 1L; 8L; 63L; 64L; 100L; 128L; length - int64 stepLength ] do
                          for finalDrain in [ true; false ] do
                              let atOnce = List<CommitEvent>()
                              let empty = CommitWork.Of(ReadOnlySpan.Empty, ReadOnlySpan.Empty, hint, finalDrain)
                              let mutable stores = RecordingStores<NoStores>(NoStores length, atOnce, false)
                              CommitApply.ApplyOnlyWrite(&stores, empty, offset, ReadOnlySpan(bytes, 0, stepLength))

                              let memory: ReadOnlyMemory<byte> array = [| ReadOnlyMemory(bytes, 0, stepLength) |]
                              let step = CommitStep(CommitStepKind.Write, offset, int64 stepLength, 0L)
                              let work = CommitWork.Of(ReadOnlySpan [| step |], ReadOnlySpan memory, hint, finalDrain)
                              let loopCalls = List<CommitEvent>()
                              let mutable loopStores = RecordingStores<NoStores>(NoStores length, loopCalls, false)
                              CommitApply.Apply(&loopStores, true, work)
                              List.ofSeq atOnce =! List.ofSeq loopCalls

                              if atOnce |> Seq.exists (fun e -> e.NonTemporal) then
                                  streamed <- streamed + 1

              Expect.isGreaterThan streamed 0 "some writes were streamed"

          testCase "a block's only scalar applied at once (ApplyOnlyScalar, never recorded): the same calls as the group loop"
          <| fun () ->
              for width in [ 1; 2; 4; 8 ] do
                  for offset in [ 0L .. 130L ] @ [ length - 72L .. length - int64 width ] do
                      for finalDrain in [ true; false ] do
                          let atOnce = List<CommitEvent>()
                          let empty = CommitWork.Of(ReadOnlySpan.Empty, ReadOnlySpan.Empty, PmemCopyFlags.None, finalDrain)
                          let mutable stores = RecordingStores<NoStores>(NoStores length, atOnce, false)
                          CommitApply.ApplyOnlyScalar(&stores, empty, offset, width, 0x0102030405060708L)
                          let _, loop = both [| CommitStep.Scalar(offset, width, 0x0102030405060708L) |] true finalDrain null
                          List.ofSeq atOnce =! loop

          testCase "anything else is declined with nothing issued"
          <| fun () ->
              let scalar = CommitStep.Scalar(8L, 8, 1L)
              let write = CommitStep(CommitStepKind.Write, 0L, 64L, 0L)
              let barrier = CommitStep(CommitStepKind.Barrier, 0L, 0L, 0L)
              fst (both [| scalar; scalar |] true true null) =! None
              fst (both [| scalar; barrier |] true true null) =! None
              let read = CommitStep(CommitStepKind.Read, 0L, 8L, 0L)
              fst (both [| write; scalar |] true true null) =! None
              fst (both [| read |] true true null) =! None
              fst (both [| barrier |] true true null) =! None
              fst (both [| write |] false true null) =! None
              fst (both [||] true true null) =! None
              fst (both [| scalar |] false true null) =! None
              fst (both [| scalar |] true true (List<CommitEvent>())) =! None ]
