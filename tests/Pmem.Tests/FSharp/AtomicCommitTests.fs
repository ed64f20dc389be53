/// Durable.commitAtomic and Durable.recover: all-or-nothing across crashes, proven on the simulator for generated
/// plans and initial states (every crash point, sampled images, and crashes during recovery), and on real mappings
/// against the byte[] model; plus the refusals.
module Pmem.Tests.AtomicCommitTests

open System
open System.IO
open Expecto
open Hedgehog
open Hedgehog.FSharp
open Pmem
open Pmem.FSharp
open Pmem.Hedgehog
open Pmem.Simulation
open Pmem.Tests.TestDsl
open Pmem.Tests.DurableModel

/// The simulated device: 512 bytes of data, then a 4 KiB log.
let private dataSize = 512

let private logSize = 4096L

let private deviceSize = dataSize + int logSize

let private region = RedoLogRegion.AtEnd(int64 deviceSize, logSize)

let private data (image: byte array) = image[.. dataSize - 1]

/// Plans of up to 6 ops (writes up to 512 bytes): they always fit the 4 KiB log.
let private genPlan = Gen.list (Range.linear 0 6) (genOp (int64 dataSize))

/// A state a device can be in between atomic commits: random data, and a log region that is either all zeros or
/// holds the log of 1 or 2 earlier completed commits.
let private genInitial =
    gen {
        let! seed = Gen.int32 (Range.constantBounded ())
        let! earlier = Gen.list (Range.constant 0 2) genPlan
        let device = PmemSimulator(ReadOnlySpan(Array.append (initialImage (int64 dataSize) seed) (Array.zeroCreate (int logSize))))

        for ops in earlier do
            Durable.commitAtomicWith region device (toPlan ops) |> Result.defaultWith (fun e -> failwith (PmemError.describe e)) |> ignore

        return device.CurrentImage()
    }

/// Recovery of a crash image on a fresh simulator: the data it leaves, or the error.
let private recoverData (image: byte array) =
    let device = PmemSimulator(ReadOnlySpan image)

    match Durable.recoverWith region device with
    | Ok _ -> Ok(data (device.CurrentImage()))
    | Error e -> Error e

/// The commit of ops on initial, on a simulator: the run, the old data and the new (the model's).
let private commitOnSimulator (initial: byte array) (ops: PlanOp list) =
    let device = PmemSimulator(ReadOnlySpan initial)
    let model = data initial
    let reads = applyModel model ops
    Durable.commitAtomicWith region device (toPlan ops) =! Ok reads
    device, data initial, model

let private oldOrNew (old: byte array) (updated: byte array) (recovered: Result<byte array, PmemError>) =
    match recovered with
    | Ok bytes -> bytes = old || bytes = updated
    | Error _ -> false

let private simulatorTests =
    testList
        "on the simulator"
        [ testPropertyN "every crash point, with up to 16 images each, recovers to the old or the new state" 60
          <| property {
              let! initial = genInitial
              let! ops = genPlan
              let device, old, updated = commitOnSimulator initial ops
              do! CrashProperty.forRunWith (CrashSearch.Exhaustive 16) recoverData (oldOrNew old updated) device
          }

          testPropertyN "generated crashes recover to the old or the new state (shrinking search)" 300
          <| property {
              let! initial = genInitial
              let! ops = genPlan
              let device, old, updated = commitOnSimulator initial ops
              do! CrashProperty.forRun recoverData (oldOrNew old updated) device
          }

          testPropertyN "a crash during recovery is recovered the same way (recovery is idempotent)" 150
          <| property {
              let! initial = genInitial
              let! ops = genPlan
              let device, old, updated = commitOnSimulator initial ops
              let! crash = CrashGen.crash device
              // Recovery of the first crash image runs on a simulator too; crash it anywhere and recover again.
              let recovery = PmemSimulator(ReadOnlySpan crash.Image)
              Durable.recoverWith region recovery |> Result.isOk =! true
              do! CrashProperty.forRunWith (CrashSearch.Exhaustive 8) recoverData (oldOrNew old updated) recovery
          }

          testCase "once the commit returns, every crash image holds the new state, and recovery finds it Clean" (fun () ->
              let initial = Array.zeroCreate deviceSize
              let device, _, updated = commitOnSimulator initial [ Write(0L, Array.create 100 7uy); WriteInt64(200L, 5L) ]

              for crash in device.CrashImages(CrashEngine.Full, 100_000) |> Seq.filter (fun c -> c.EventCount = device.Events.Count) do
                  data crash.Image =! updated
                  let after = PmemSimulator(ReadOnlySpan crash.Image)
                  Durable.recoverWith region after =! Ok RedoLogRecovery.Clean)

          testCase "the plan sees the device without its log: writes into the log are OutOfRange, nothing is stored" (fun () ->
              let device = PmemSimulator(deviceSize)

              for plan in
                  [ Durable.writeInt64 region.Offset 1L
                    Durable.write (region.Offset - 4L) (Array.create 8 1uy)
                    durable {
                        do! Durable.writeInt64 0L 1L
                        do! Durable.fill (region.Offset + 100L) 4L 9uy
                    } ] do
                  match Durable.commitAtomicWith region device plan with
                  | Error (PmemError.OutOfRange (_, _, capacity)) -> capacity =! region.Offset
                  | other -> failtestf "expected OutOfRange, got %A" other

              device.Events.Count =! 0)

          testCase "a plan that writes nothing stores nothing, not even a log" (fun () ->
              let device = PmemSimulator(deviceSize)
              Durable.commitAtomicWith region device (Durable.readInt64 0L) =! Ok 0L
              device.Events.Count =! 0
              Durable.recoverWith region device =! Ok RedoLogRecovery.NoLog)

          testCase "barriers inside an atomic plan change nothing: one log, one apply" (fun () ->
              let device = PmemSimulator(deviceSize)

              durable {
                  do! Durable.writeInt64 0L 1L
                  do! Durable.barrier
                  do! Durable.writeInt64 64L 2L
              }
              |> Durable.commitAtomicWith region device
              =! Ok()

              device.Events |> Seq.filter (fun e -> e :? PmemEvent.Fence) |> Seq.length =! 4) ]

/// A file of `length` bytes in dir, removed afterwards.
let private withMapping (length: int64) (body: PmemMapping -> string -> unit) =
    use dir = shmDir ()
    let path = dir.File "atomic.pmem"
    let mapping = path |> Mapping.mapFile (MapOptions.create length)

    try
        body mapping path
    finally
        mapping.Dispose()

let private mappingTests =
    testList
        "on a mapping"
        [ testPropertyN "commitAtomic yields the model's bytes and reads, and they survive a remap" 60
          <| property {
              let! ops = Gen.list (Range.linear 0 20) (genOp 4096L)
              let! seed = Gen.int32 (Range.constantBounded ())
              let length = 4096L + RedoLogRegion.DefaultLength
              let initial = initialImage 4096L seed
              let model = Array.copy initial
              let reads = applyModel model ops

              withMapping length (fun mapping path ->
                  Mapping.copy 0L initial mapping
                  Durable.commitAtomic mapping (toPlan ops) =! Ok reads
                  Mapping.read 0L 4096L mapping =! model
                  mapping.Dispose()
                  use again = path |> Mapping.mapFile MapOptions.existing
                  Mapping.read 0L 4096L again =! model
                  Durable.recover again =! Ok(if List.exists (fun op -> (written op |> Option.map snd |> Option.defaultValue 0L) > 0L) ops then RedoLogRecovery.Clean else RedoLogRecovery.NoLog))
          }

          testCase "a mapping smaller than the default log is refused at commit time with a clear message" (fun () ->
              withMapping 4096L (fun mapping _ ->
                  match Durable.commitAtomic mapping (Durable.writeInt64 0L 1L) with
                  | Error (PmemError.RedoLog (RedoLogError.RegionTooSmall, _) as e) ->
                      let text = PmemError.describe e
                      Expect.stringContains text "4096-byte mapping is smaller than the region" "why"
                      Expect.stringContains text "map at least" "what to do"
                  | other -> failtestf "expected RegionTooSmall, got %A" other

                  Mapping.read 0L 4096L mapping =! Array.zeroCreate 4096
                  Durable.recover mapping |> Result.isError =! true))

          testCase "a plan too large for the log is refused and writes nothing" (fun () ->
              withMapping (8192L + 1024L) (fun mapping _ ->
                  let region = RedoLogRegion.AtEnd(mapping.Length, 1024L)

                  match Durable.commitAtomicWith region mapping (Durable.fill 0L 2000L 1uy) with
                  | Error (PmemError.RedoLog (RedoLogError.RegionTooSmall, message)) ->
                      Expect.stringContains message "needs 2080 bytes of log" "the size"
                  | other -> failtestf "expected RegionTooSmall, got %A" other

                  Mapping.read 0L mapping.Length mapping =! Array.zeroCreate (int mapping.Length)))

          testCase "a disposed mapping returns Disposed" (fun () ->
              withMapping (4096L + RedoLogRegion.DefaultLength) (fun mapping _ ->
                  mapping.Dispose()
                  Durable.commitAtomic mapping (Durable.writeInt64 0L 1L) =! Error PmemError.Disposed
                  Durable.recover mapping =! Error PmemError.Disposed))

          testCase "every commit on a disposed mapping is Disposed, also of a plan that neither reads nor writes" (fun () ->
              withMapping (4096L + RedoLogRegion.DefaultLength) (fun mapping _ ->
                  mapping.Dispose()
                  Durable.commitAtomic mapping (Durable.result 1) =! Error PmemError.Disposed
                  Durable.commitAtomic mapping Durable.unit =! Error PmemError.Disposed
                  Durable.commit mapping Durable.unit =! Error PmemError.Disposed))

          testCase "a plan's own PmemException propagates from commitAtomic, as from commit, and nothing is written" (fun () ->
              withMapping (4096L + RedoLogRegion.DefaultLength) (fun mapping _ ->
                  let plan =
                      durable {
                          do! Durable.writeInt64 0L 5L
                          raise (PmemException(5, "the plan's own failure"))
                      }

                  Expect.throwsT<PmemException> (fun () -> Durable.commit mapping plan |> ignore) "commit"
                  Expect.throwsT<PmemException> (fun () -> Durable.commitAtomic mapping plan |> ignore) "commitAtomic"
                  Mapping.read 0L 8 mapping =! Array.zeroCreate 8))

          testCase "a plan that disposes its own mapping: commitAtomic completes and says Ok, and recover finds it Clean" (fun () ->
              use dir = shmDir ()
              let path = dir.File "self-disposed-atomic.pmem"
              let mapping = path |> Mapping.mapFile (MapOptions.create (4096L + RedoLogRegion.DefaultLength))

              let plan =
                  durable {
                      do! Durable.writeInt64 0L 7L
                      mapping.Dispose()
                      do! Durable.writeInt64 8L 9L
                  }

              Durable.commitAtomic mapping plan =! Ok()
              use again = path |> Mapping.mapFile MapOptions.existing
              Durable.recover again =! Ok RedoLogRecovery.Clean
              Mapping.read 0L 16 again =! Array.append (BitConverter.GetBytes 7L) (BitConverter.GetBytes 9L))

          testCase "commitAtomic racing a Dispose: Ok means committed, Error Disposed means nothing was" (fun () ->
              use _ = withOptions (PmemOptions(IsPmemForce = true))
              use dir = shmDir ()
              let length = 65536L + RedoLogRegion.DefaultLength
              let path = dir.File "race-atomic.pmem"
              let mutable outcomes = Set.empty

              for round in 1..300 do
                  let mapping = path |> Mapping.mapFile (MapOptions.create length)
                  let disposer = Threading.Thread(fun () ->
                      Threading.Thread.SpinWait(round * 97 % 20000)
                      mapping.Dispose())
                  disposer.Start()
                  let value = int64 round
                  // Large enough that the log, the mark and the apply take a while to race with.
                  let result = Durable.commitAtomic mapping (Durable.fill 0L 32768L (byte round) |> Durable.bind (fun () -> Durable.writeInt64 32768L value))
                  disposer.Join()
                  use again = path |> Mapping.mapFile MapOptions.existing
                  let recovery = Durable.recover again
                  let word = BitConverter.ToInt64(Mapping.read 32768L 8 again, 0)
                  outcomes <- outcomes.Add(match result with Ok () -> "Ok" | Error e -> PmemError.describe e)

                  match result with
                  | Ok () -> word =! value
                  | Error PmemError.Disposed ->
                      Expect.notEqual recovery (Ok RedoLogRecovery.Completed) $"round {round}: Disposed, yet recover completed a commit"
                      Expect.notEqual word value $"round {round}: Disposed, yet the write is there"
                  | Error e -> failtestf "round %d: %s" round (PmemError.describe e)

                  again.Dispose()
                  File.Delete path

              Expect.isNonEmpty outcomes "ran") ]

let tests = testList "Atomic commit" [ simulatorTests; mappingTests ]
