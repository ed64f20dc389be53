/// Durable.commit against the byte[] model on real mappings (pmem paths on /dev/shm, msync on the disk temp dir),
/// the flush/drain accounting, out-of-range plans, and the commit's error cases.
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

/// Commits the generated plan; bytes and read values must match the model, also after unmap and remap.
let private matchesModel (dir: TempDir) (expectPmem: bool) (options: CommitOptions) =
    property {
        let! seed = Gen.int32 (Range.constantBounded ())
        let! ops = genOps size
        let initial = initialImage size seed
        let model = Array.copy initial
        let expectedReads = applyModel model ops

        withFile dir initial (fun mapping path ->
            Mapping.isPmem mapping =! expectPmem
            Durable.commitWith options mapping (toPlan ops) =! Ok expectedReads
            sameBytes "after commit" (contents mapping) model
            mapping.Dispose()
            use again = path |> Mapping.mapFile MapOptions.existing
            sameBytes "after remap" (contents again) model)
    }

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

/// Memory that no array backs (a MemoryManager over native memory), for the journal's non-array write path.
type private NativeBytes(contents: byte array) =
    inherit System.Buffers.MemoryManager<byte>()
    let pointer = System.Runtime.InteropServices.NativeMemory.Alloc(unativeint contents.Length)

    do contents.AsSpan().CopyTo(System.Span<byte>(pointer, contents.Length))

    override _.GetSpan() = System.Span<byte>(pointer, contents.Length)
    override _.Pin(_) = new System.Buffers.MemoryHandle(pointer)
    override _.Unpin() = ()

    override _.Dispose(_) =
        System.Runtime.InteropServices.NativeMemory.Free pointer

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

let private errorTests =
    testList
        "errors and edges"
        [ testCase "a read out of range stops the plan with OutOfRange before anything is written"
          <| fun () ->
              use dir = shmDir ()

              withFile dir (Array.create (int size) 3uy) (fun mapping _ ->
                  let plan =
                      durable {
                          do! Durable.writeInt64 0L 99L
                          let! _ = Durable.readInt64 (size - 4L)
                          return ()
                      }

                  Durable.commit mapping plan =! Error(PmemError.OutOfRange(size - 4L, 8L, size))
                  Durable.commit mapping (Durable.read 0L -1) =! Error(PmemError.OutOfRange(0L, -1L, size))
                  sameBytes "after the refused commit" (contents mapping) (Array.create (int size) 3uy))

          testCase "an exception in the plan's own code propagates and nothing is written"
          <| fun () ->
              use dir = shmDir ()

              withFile dir (Array.zeroCreate (int size)) (fun mapping _ ->
                  let plan =
                      durable {
                          do! Durable.writeInt64 0L 42L
                          failwith "boom"
                      }

                  Expect.throwsT<Exception> (fun () -> Durable.commit mapping plan |> ignore) "the plan's exception"
                  Mapping.read 0L 8L mapping =! Array.zeroCreate 8
                  // The thread's commit buffers were released: the next commit works.
                  Durable.commit mapping (Durable.writeInt64 0L 5L) =! Ok()
                  Mapping.read 0L 1L mapping =! [| 5uy |])

          testCase "a commit inside a plan (nested, same thread) gets its own buffers"
          <| fun () ->
              use dir = shmDir ()

              withFile dir (Array.zeroCreate (int size)) (fun outer _ ->
                  withFile dir (Array.zeroCreate (int size)) (fun inner _ ->
                      let plan =
                          durable {
                              do! Durable.writeInt64 0L 1L
                              let nested = Durable.commit inner (Durable.writeInt64 8L 2L)
                              do! Durable.writeInt64 16L 3L
                              return nested
                          }

                      Durable.commit outer plan =! Ok(Ok())
                      Mapping.read 0L 24L outer =! Array.concat [ BitConverter.GetBytes 1L; Array.zeroCreate 8; BitConverter.GetBytes 3L ]
                      Mapping.read 8L 8L inner =! BitConverter.GetBytes 2L))

          testCase "writeMemory stores exactly its slice: of an array, and of memory no array backs"
          <| fun () ->
              use dir = shmDir ()

              withFile dir (Array.zeroCreate (int size)) (fun mapping _ ->
                  let bytes = Array.init 16 (fun i -> byte (i + 1))
                  use native = new NativeBytes([| 0xAAuy; 0xBBuy; 0xCCuy |])

                  let plan =
                      durable {
                          do! Durable.writeMemory 0L (ReadOnlyMemory(bytes, 3, 5))
                          do! Durable.writeMemory 8L (Memory.op_Implicit native.Memory: ReadOnlyMemory<byte>)
                          do! Durable.writeMemory 11L (ReadOnlyMemory(bytes, 16, 0))
                      }

                  Durable.commit mapping plan =! Ok()
                  Mapping.read 0L 12L mapping =! [| 4uy; 5uy; 6uy; 7uy; 8uy; 0uy; 0uy; 0uy; 0xAAuy; 0xBBuy; 0xCCuy; 0uy |])

          testCase "write keeps a reference to the array; writeSpan copies it when the plan is built"
          <| fun () ->
              use dir = shmDir ()

              withFile dir (Array.zeroCreate (int size)) (fun mapping _ ->
                  let buffer = [| 1uy; 2uy; 3uy |]
                  let referenced = Durable.write 0L buffer
                  let copied = Durable.writeSpan 8L (ReadOnlySpan buffer)
                  buffer[0] <- 9uy
                  Durable.commit mapping (Durable.sequence [ referenced; copied ]) =! Ok [ (); () ]
                  Mapping.read 0L 3L mapping =! [| 9uy; 2uy; 3uy |]
                  Mapping.read 8L 3L mapping =! [| 1uy; 2uy; 3uy |])

          testCase "scalars are little-endian and reads see the plan's own writes over the mapping"
          <| fun () ->
              use dir = shmDir ()

              withFile dir (Array.create (int size) 0xEEuy) (fun mapping _ ->
                  let plan =
                      durable {
                          do! Durable.writeUInt32 0L 0x04030201u
                          do! Durable.writeByte 2L 0xAAuy
                          let! all = Durable.read 0L 6
                          let! u64 = Durable.readUInt64 0L
                          do! Durable.writeUInt64 8L UInt64.MaxValue
                          do! Durable.fill 16L 4L 0x11uy
                          let! i32 = Durable.readInt32 16L
                          let! u32 = Durable.readUInt32 0L
                          let! b = Durable.readByte 4L
                          return all, u64, i32, u32, b
                      }

                  Durable.commit mapping plan
                  =! Ok([| 1uy; 2uy; 0xAAuy; 4uy; 0xEEuy; 0xEEuy |], 0xEEEEEEEE04AA0201UL, 0x11111111, 0x04AA0201u, 0xEEuy)

                  Mapping.read 0L 20L mapping
                  =! Array.concat [ [| 1uy; 2uy; 0xAAuy; 4uy |]; Array.create 4 0xEEuy; Array.create 8 0xFFuy; Array.create 4 0x11uy ]) ]

let tests =
    testList "Durable" [ pmemTests; msyncTests; errorTests ]
