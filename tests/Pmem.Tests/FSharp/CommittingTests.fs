/// Durable.committing target { … }: a block committed where it is written answers, stores, flushes and drains as the
/// same block made a plan and committed with Durable.commit; it leaves the target unchanged when it stops or throws,
/// releases the target in every case, and nests inside other plans (memory and allocation: CommittingMemoryTests).
module Pmem.Tests.CommittingTests

open System
open System.Threading.Tasks
open Expecto
open Hedgehog
open Hedgehog.FSharp
open Pmem
open Pmem.FSharp
open Pmem.Simulation
open Pmem.Tests.TestDsl
open Pmem.Tests.DurableModel
open Pmem.Tests.DurableFixtures

/// The ops as the code of a committing block (toPlan builds the same code as a plan value).
let private commitOps (options: CommitOptions) (target: IPmemTarget) (ops: PlanOp list) =
    Durable.committingWith options target {
        let seen = ResizeArray()

        for op in ops do
            match op with
            | Write(offset, bytes) -> do! Durable.write offset bytes
            | WriteInt32(offset, value) -> do! Durable.writeInt32 offset value
            | WriteInt64(offset, value) -> do! Durable.writeInt64 offset value
            | Fill(offset, length, value) -> do! Durable.fill offset length value
            | ReadBytes(offset, length) ->
                let! bytes = Durable.read offset length
                seen.Add(Bytes bytes)
            | ReadInt64 offset ->
                let! value = Durable.readInt64 offset
                seen.Add(Int64 value)
            | Barrier -> do! Durable.barrier

        return List.ofSeq seen
    }

/// Ops, possibly with one write that does not fit inserted somewhere.
let private genOpsMaybeOutOfRange =
    gen {
        let! ops = genOps size
        let! bad = Gen.option (genOutOfRange size)
        let! at = Gen.int32 (Range.constant 0 ops.Length)

        return
            match bad with
            | None -> ops
            | Some op -> List.insertAt at op ops
    }

/// Commits the ops as a committing block on a fresh mapping in dir; bytes and reads must be the model's, also after
/// a remap (DurableTests.matchesModelWith).
let private matchesModel (dir: TempDir) (expectPmem: bool) (options: CommitOptions) =
    DurableTests.matchesModelWith (fun mapping ops -> commitOps options mapping ops) dir expectPmem

let private int64s (values: int64 list) =
    values |> List.map BitConverter.GetBytes |> Array.concat

let tests =
    testSequenced
    <| testList
        "Durable.committing"
        [ testCase "a committing block answers and issues the stores, flushes and drains of the same block committed as a plan"
          <| fun () ->
              Property.checkWith (PropertyConfig.defaults |> PropertyConfig.withTests 200<tests>)
              <| property {
                  let! seed = Gen.int32 (Range.constantBounded ())
                  let! ops = genOpsMaybeOutOfRange
                  let! options = Gen.item optionsToTry
                  let image = initialImage size seed
                  let direct = PmemSimulator(ReadOnlySpan image)
                  let asPlan = PmemSimulator(ReadOnlySpan image)
                  let answer = commitOps options direct ops
                  answer =! Durable.commitWith options asPlan (toPlan ops)
                  eventShape direct.Events =! eventShape asPlan.Events
                  sameBytes "simulated bytes" (bytesOf direct) (bytesOf asPlan)

                  match answer with
                  | Ok _ ->
                      let model = Array.copy image
                      applyModel model ops |> ignore
                      sameBytes "the model's bytes" (bytesOf direct) model
                  | Error(PmemError.OutOfRange _) ->
                      Expect.isEmpty direct.Events "a stopped block stores nothing"
                      sameBytes "unchanged" (bytesOf direct) image
                  | Error e -> failtestf "unexpected %A" e
              }

          testCase "on pmem (/dev/shm, IsPmemForce) the bytes and reads are the model's, and they survive a remap"
          <| fun () ->
              use _ = withOptions (PmemOptions(IsPmemForce = true))
              use dir = shmDir ()
              Property.checkWith (PropertyConfig.defaults |> PropertyConfig.withTests 100<tests>) (matchesModel dir true CommitOptions.defaults)

              Property.checkWith
                  (PropertyConfig.defaults |> PropertyConfig.withTests 30<tests>)
                  (matchesModel dir true { CommitOptions.defaults with Stores = StoreHint.NonTemporal })

          testCase "off pmem (msync on the disk temp dir) the bytes and reads are the model's, and they survive a remap"
          <| fun () ->
              use _ = withOptions (PmemOptions(IsPmemForce = false))
              use dir = diskDir ()
              Property.checkWith (PropertyConfig.defaults |> PropertyConfig.withTests 30<tests>) (matchesModel dir false CommitOptions.defaults)

          testCase "on a disposed mapping the answer is Disposed and the block's code does not run"
          <| fun () ->
              use dir = shmDir ()

              withFile dir (Array.zeroCreate (int size)) (fun mapping _ ->
                  mapping.Dispose()
                  let ran = ref false

                  let answer =
                      Durable.committing mapping {
                          ran.Value <- true
                          do! Durable.writeInt64 0L 1L
                      }

                  answer =! Error PmemError.Disposed
                  ran.Value =! false)

          testCase "a block whose code throws stores nothing, releases the mapping, and the thread commits again"
          <| fun () ->
              use _ = withOptions (PmemOptions(IsPmemForce = true))
              use dir = shmDir ()
              let path = dir.File "throws.pmem"
              let mapping = path |> Mapping.mapFile (MapOptions.create size)
              let record = Array.create 4096 0x5Auy

              let throwing () =
                  Durable.committing mapping {
                      do! Durable.write 0L record
                      do! Durable.barrier
                      do! Durable.writeInt64 4096L 7L
                      invalidOp "boom"
                      do! Durable.writeInt64 4104L 8L
                  }
                  |> ignore

              Expect.throwsT<InvalidOperationException> throwing "the block's own exception propagates"
              sameBytes "nothing stored" (contents mapping) (Array.zeroCreate (int size))
              // The thread holds nothing: its builder is outside a plan again, and its next commit works.
              Expect.throwsT<InvalidOperationException> (fun () -> durable.Combine(Durable.unit, (fun () -> Durable.unit)) |> ignore) "outside a plan"
              Durable.committing mapping { do! Durable.writeInt64 0L 9L } =! Ok()
              Mapping.read 0L 8L mapping =! int64s [ 9L ]
              // The claim was released: Dispose on another thread returns.
              let disposed = Task.Run(fun () -> mapping.Dispose())
              Expect.isTrue (disposed.Wait(TimeSpan.FromSeconds 30.0)) "Dispose returned"
              Durable.committing mapping { do! Durable.writeInt64 0L 1L } =! Error PmemError.Disposed

          testCase "try/finally, use and while in a committing block run once, also when the block stops"
          <| fun () ->
              use dir = shmDir ()

              withFile dir (Array.zeroCreate (int size)) (fun mapping _ ->
                  let finallies = ref 0
                  let disposals = ref 0

                  let block (last: int64) =
                      Durable.committing mapping {
                          use _ =
                              { new IDisposable with
                                  member _.Dispose() = disposals.Value <- disposals.Value + 1 }

                          let i = ref 0L

                          try
                              while i.Value < 3L do
                                  do! Durable.writeInt64 (8L * i.Value) (i.Value + 1L)
                                  i.Value <- i.Value + 1L

                              do! Durable.writeInt64 last 4L
                          finally
                              finallies.Value <- finallies.Value + 1
                      }

                  block 24L =! Ok()
                  Mapping.read 0L 32L mapping =! int64s [ 1L; 2L; 3L; 4L ]

                  match block size with
                  | Error(PmemError.OutOfRange _) -> ()
                  | other -> failtestf "expected OutOfRange, got %A" other

                  (finallies.Value, disposals.Value) =! (2, 2)
                  Mapping.read 0L 32L mapping =! int64s [ 1L; 2L; 3L; 4L ])

          testCase "committing blocks nest: inside a committing block, inside a committed plan, inside a render"
          <| fun () ->
              withTwoFiles (fun outer inner ->
                  // Inside a committing block: the inner block commits at once; the outer goes on with its own.
                  let answer =
                      Durable.committing outer {
                          do! Durable.writeInt64 0L 1L

                          let nested =
                              Durable.committing inner {
                                  do! Durable.writeInt64 8L 20L
                                  do! Durable.barrier
                                  do! Durable.writeInt64 16L 30L
                              }

                          do! Durable.writeInt64 8L 2L
                          return nested
                      }

                  answer =! Ok(Ok())
                  Mapping.read 0L 24L outer =! int64s [ 1L; 2L; 0L ]
                  Mapping.read 0L 24L inner =! int64s [ 0L; 20L; 30L ]

                  // Inside a plan's code, committed with Durable.commit.
                  let plan =
                      durable {
                          do! Durable.writeInt64 24L 3L
                          let nested = Durable.committing inner { do! Durable.writeInt64 24L 40L }
                          do! Durable.writeInt64 32L 4L
                          return nested
                      }

                  Durable.commit outer plan =! Ok(Ok())
                  Mapping.read 24L 16L outer =! int64s [ 3L; 4L ]
                  Mapping.read 24L 8L inner =! int64s [ 40L ]

                  // Inside a rendered plan: the block stores, the render shows only its own plan.
                  let rendered =
                      durable {
                          do! Durable.writeInt64 4000L 5L
                          let nested = Durable.committing inner { do! Durable.writeInt64 32L 50L }
                          return nested
                      }

                  let text = Durable.renderOn outer rendered
                  Expect.stringContains text "[4000, 4008)" "the render shows its own write"
                  Expect.isFalse (text.Contains "[32, 40)") "not the committing block's"
                  Mapping.read 32L 8L inner =! int64s [ 50L ]
                  Mapping.read 4000L 8L outer =! int64s [ 0L ]

                  // And after all of that the thread is outside any plan.
                  Durable.committing outer { do! Durable.writeInt64 40L 6L } =! Ok()
                  Mapping.read 40L 8L outer =! int64s [ 6L ]) ]
