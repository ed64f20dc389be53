/// The simulated pmem device: which images a crash may leave, under pmemcheck's model.
module Pmem.Tests.SimulatorTests

open System
open Expecto
open Hedgehog
open Hedgehog.FSharp
open Pmem
open Pmem.Simulation
open Pmem.Tests.TestDsl

let private images (state: CrashState) = state.Images(CrashEngine.Full) |> Seq.map Array.copy |> Set.ofSeq

let private word (v: byte) = Array.create 8 v

/// A random operation on a small device, for model properties.
type private Op =
    | Store of offset: int * bytes: byte[] * nt: bool
    | Flush of offset: int * length: int
    | Fence
    | Msync of offset: int * length: int

let private size = 256

let private genOp =
    gen {
        let! offset = Gen.int32 (Range.linear 0 (size - 1))
        let! length = Gen.int32 (Range.linear 0 (min 24 (size - offset)))
        let! fill = Gen.byte (Range.constantBounded ())
        return!
            Gen.item
                [ Store(offset, Array.create length fill, false)
                  Store(offset, Array.create length fill, true)
                  Flush(offset, length)
                  Fence
                  Msync(offset, length) ]
    }

let private run (ops: Op list) =
    let sim = PmemSimulator(size)
    for op in ops do
        match op with
        | Store (o, b, false) -> sim.Store(int64 o, ReadOnlySpan b)
        | Store (o, b, true) -> sim.StoreNonTemporal(int64 o, ReadOnlySpan b)
        | Flush (o, l) -> sim.Flush(int64 o, int64 l)
        | Fence -> sim.Fence()
        | Msync (o, l) -> sim.Msync(int64 o, int64 l)
    sim

let tests =
    testList
        "Simulator"
        [ testCase "a store that is flushed and fenced is in every image" (fun () ->
              let sim = PmemSimulator(128)
              sim.Store(0L, ReadOnlySpan(word 7uy))
              sim.Persist(0L, 8L)
              sim.CrashState.PendingLines.Count =! 0
              sim.CrashState.Persisted.[0..7] =! word 7uy)

          testCase "an unflushed, or flushed but unfenced, store may or may not survive" (fun () ->
              let sim = PmemSimulator(128)
              sim.Store(64L, ReadOnlySpan(word 1uy))
              images sim.CrashState |> Set.count =! 2
              sim.Flush(64L, 8L)
              sim.CrashState.PendingLines.[0].Flushed =! 1
              images sim.CrashState |> Set.count =! 2
              sim.Fence()
              images sim.CrashState |> Set.count =! 1)

          testCase "a non-temporal store needs only a fence" (fun () ->
              let sim = PmemSimulator(128)
              sim.StoreNonTemporal(0L, ReadOnlySpan(Array.create 64 3uy))
              sim.Fence()
              sim.CrashState.Persisted.[0..63] =! Array.create 64 3uy)

          testCase "an aligned 8-byte store is never torn" (fun () ->
              let sim = PmemSimulator(64)
              sim.Store(8L, ReadOnlySpan(word 9uy))
              let seen = images sim.CrashState |> Set.map (fun i -> i.[8..15])
              seen =! Set.ofList [ word 0uy; word 9uy ])

          testCase "an unaligned 8-byte store can be torn" (fun () ->
              let sim = PmemSimulator(64)
              sim.Store(4L, ReadOnlySpan(word 9uy))
              Expect.isGreaterThan (images sim.CrashState |> Set.count) 2 "torn images exist")

          testCase "stores to one line persist in program order" (fun () ->
              let sim = PmemSimulator(64)
              sim.Store(0L, ReadOnlySpan(word 1uy)) // A
              sim.Store(8L, ReadOnlySpan(word 2uy)) // B, same line
              for image in images sim.CrashState do
                  if image.[8] = 2uy then image.[0] =! 1uy // B without A never happens
              images sim.CrashState |> Set.count =! 3)

          testCase "stores to different lines persist independently" (fun () ->
              let sim = PmemSimulator(128)
              sim.Store(0L, ReadOnlySpan(word 1uy)) // line 0 first
              sim.Store(64L, ReadOnlySpan(word 2uy)) // line 1 later
              Expect.exists (images sim.CrashState) (fun i -> i.[64] = 2uy && i.[0] = 0uy) "the later line alone"
              images sim.CrashState |> Set.count =! 4)

          testCase "msync persists whole pages at once" (fun () ->
              let sim = PmemSimulator(8192)
              sim.Store(10L, ReadOnlySpan(word 5uy))
              sim.Store(5000L, ReadOnlySpan(word 6uy))
              sim.Msync(100L, 1L) // page 0 only
              sim.CrashState.Persisted.[10..17] =! word 5uy
              sim.CrashState.PendingLines.Count =! 1)

          testCase "Copy follows libpmem's flags: persisted, awaiting a drain, or dirty" (fun () ->
              let sim = PmemSimulator(256)
              sim.Copy(0L, ReadOnlySpan(word 1uy))
              sim.Copy(64L, ReadOnlySpan(word 2uy), PmemCopyFlags.NoDrain)
              sim.Copy(128L, ReadOnlySpan(word 3uy), PmemCopyFlags.NoFlush)
              sim.Copy(192L, ReadOnlySpan(word 4uy), PmemCopyFlags.NonTemporal ||| PmemCopyFlags.NoDrain)
              let s = sim.CrashState
              s.Persisted.[0] =! 1uy
              [ for l in s.PendingLines -> l.Line, l.Flushed, l.Units.Count ] =! [ 1L, 1, 1; 2L, 0, 1; 3L, 1, 1 ]
              sim.Fence()
              [ for l in sim.CrashState.PendingLines -> l.Line ] =! [ 2L ])

          testCase "Full refuses to enumerate more than the limit" (fun () ->
              let sim = PmemSimulator(4096)
              for line in 0..40 do
                  sim.Store(int64 line * 64L, ReadOnlySpan(word 1uy))
              Expect.throwsT<InvalidOperationException> (fun () -> sim.CrashState.Images(CrashEngine.Full, 1000) |> Seq.length |> ignore) "too many"
              sim.CrashState.Images(CrashEngine.Random, 50, 1) |> Seq.length =! 50)

          testProperty "every engine's images lie between the persisted image and the current one, and replay agrees"
          <| property {
              let! ops = Gen.list (Range.linear 0 30) genOp
              let sim = run ops
              let state = sim.CrashState
              // Replaying the events from scratch gives the same state as recording them.
              let replayed = sim.CrashStateAt(sim.Events.Count)
              replayed.Persisted =! state.Persisted
              replayed.PendingLines.Count =! state.PendingLines.Count
              // No reorder: everything reached persistence = what loads see.
              Seq.exactlyOne (state.Images CrashEngine.NoReorder) =! sim.CurrentImage()
              let acc = state.Images CrashEngine.Accumulative |> Seq.toArray
              acc.[0] =! state.Persisted
              acc.[acc.Length - 1] =! sim.CurrentImage()
              // Each byte of an image is the persisted byte or one a pending store wrote there.
              let possible = Array.init size (fun i -> Collections.Generic.HashSet [ state.Persisted.[i] ])
              // The loops run as plain code in a function: a `for` of the property builder nests one bind per
              // iteration, and thousands of them overflowed the stack.
              let check () =
                  for line in state.PendingLines do
                      for u in line.Units do
                          u.Bytes |> Array.iteri (fun k b -> possible.[int u.Offset + k].Add b |> ignore)
                  for image in state.Images(CrashEngine.Random, 20, 7) do
                      for i in 0 .. size - 1 do
                          Expect.isTrue (possible.[i].Contains image.[i]) $"byte {i} = {image.[i]} was never stored there"
              check ()
          }

          testProperty "CrashStates replays the run once and agrees with CrashStateAt at every point"
          <| property {
              let! ops = Gen.list (Range.linear 0 20) genOp
              let sim = run ops
              let states = sim.CrashStates() |> Seq.toArray
              states.Length =! sim.Events.Count + 1
              states.[0].Persisted =! sim.InitialImage()

              let check () =
                  for k in 0 .. sim.Events.Count do
                      let at = sim.CrashStateAt k
                      states.[k].EventCount =! k
                      states.[k].Persisted =! at.Persisted
                      [ for l in states.[k].PendingLines -> l.Line, l.Flushed, l.Units.Count ]
                      =! [ for l in at.PendingLines -> l.Line, l.Flushed, l.Units.Count ]
              check ()
          }

          testProperty "CrashImages: Full visits every image of every point; Auto enumerates small states and samples large ones"
          <| property {
              let! ops = Gen.list (Range.linear 0 12) genOp
              let sim = run ops
              let states = sim.CrashStates() |> Seq.toArray
              let full = sim.CrashImages(CrashEngine.Full, 1_000_000) |> Seq.toArray
              full.Length =! (states |> Array.sumBy (fun s -> int s.FullImageCount))

              let check () =
                  for crash in full do
                      crash.Image =! states.[crash.EventCount].Image(ReadOnlySpan(Array.ofSeq crash.Prefixes))

                  let sample = 8

                  for state in states do
                      let auto = state.Choices(CrashEngine.Auto, sample, 3) |> Seq.toArray

                      if state.FullImageCount <= float sample then
                          set (auto |> Array.map List.ofArray) =! set (state.Choices(CrashEngine.Full) |> Seq.map List.ofArray)
                      else
                          auto.Length =! sample

                      // Images are the choices, applied.
                      state.Images(CrashEngine.Auto, sample, 3) |> Seq.toList
                      =! (auto |> Array.map (fun (p: int array) -> state.Image(ReadOnlySpan p)) |> List.ofArray)
              check ()
          }

          testCase "a CrashImage refuses prefixes that do not fit its state" (fun () ->
              let sim = PmemSimulator(128)
              sim.Store(0L, ReadOnlySpan(word 1uy))
              sim.Store(64L, ReadOnlySpan(word 2uy))
              let state = sim.CrashState
              (CrashImage(state, [ 1; 0 ])).Image.[0..7] =! word 1uy
              Expect.throwsT<ArgumentException> (fun () -> CrashImage(state, [ 1 ]) |> ignore) "one count per line"
              Expect.throwsT<ArgumentOutOfRangeException> (fun () -> CrashImage(state, [ 2; 0 ]) |> ignore) "at most the units"
              Expect.throwsT<ArgumentOutOfRangeException> (fun () -> CrashImage(state, [ -1; 0 ]) |> ignore) "not negative")

          testCase "the simulator says what it holds" (fun () ->
              let sim = PmemSimulator(128)
              sim.Store(0L, ReadOnlySpan(word 1uy))
              string sim =! "simulated pmem device: 128 bytes, 1 events, 1 lines pending")

          testProperty "a crash after the last fence and msync loses nothing that was persisted"
          <| property {
              let! ops = Gen.list (Range.linear 0 30) genOp
              let sim = run ops
              sim.Msync(0L, int64 size)
              Seq.exactlyOne (sim.CrashState.Images(CrashEngine.Full)) =! sim.CurrentImage()
          } ]
