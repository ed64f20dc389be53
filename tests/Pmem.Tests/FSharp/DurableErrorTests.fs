/// Durable.commit's error cases and edges: reads out of range, the plan's own exceptions, and the rest of what a
/// commit refuses (the names stay under "Durable", as before the split).
module Pmem.Tests.DurableErrorTests

open System
open Expecto
open Pmem
open Pmem.FSharp
open Pmem.Tests.TestDsl
open Pmem.Tests.DurableModel
open Pmem.Tests.DurableFixtures
open Pmem.Tests.NativeMemoryFixtures

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

                  let thrown = Expect.throwsC (fun () -> Durable.commit mapping plan |> ignore) id
                  thrown.Message =! "boom"
                  Mapping.read 0L 8L mapping =! Array.zeroCreate 8
                  // The thread's commit buffers were released and the fault forgotten: the next commits work.
                  Durable.commit mapping (Durable.writeInt64 0L 5L) =! Ok()
                  Mapping.read 0L 1L mapping =! [| 5uy |]
                  Durable.commit mapping (durable { do! Durable.writeInt64 8L 6L }) =! Ok()
                  Mapping.read 8L 1L mapping =! [| 6uy |]
                  // The same through the other commit paths: a unit plan that is not a block, and a plan with a value.
                  let unitPlan = Durable.writeInt64 16L 7L |> Durable.map (fun () -> failwith "boom in map")
                  (Expect.throwsC (fun () -> Durable.commit mapping unitPlan |> ignore) id).Message =! "boom in map"
                  let valuePlan = Durable.readInt64 0L |> Durable.map (fun (_: int64) -> (failwith "boom in value": int))
                  (Expect.throwsC (fun () -> Durable.commit mapping valuePlan |> ignore) id).Message =! "boom in value"
                  Mapping.read 16L 8L mapping =! Array.zeroCreate 8
                  Durable.commit mapping (durable { do! Durable.writeInt64 16L 8L }) =! Ok()
                  Durable.commit mapping (Durable.readInt64 16L) =! Ok 8L)

          testCase "a commit inside a plan (nested, same thread) gets its own buffers"
          <| fun () ->
              withTwoFiles (fun outer inner ->
                  let plan =
                      durable {
                          do! Durable.writeInt64 0L 1L
                          let nested = Durable.commit inner (Durable.writeInt64 8L 2L)
                          do! Durable.writeInt64 16L 3L
                          return nested
                      }

                  Durable.commit outer plan =! Ok(Ok())
                  Mapping.read 0L 24L outer =! Array.concat [ BitConverter.GetBytes 1L; Array.zeroCreate 8; BitConverter.GetBytes 3L ]
                  Mapping.read 8L 8L inner =! BitConverter.GetBytes 2L)

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
                  Mapping.read 0L 12L mapping =! [| 4uy; 5uy; 6uy; 7uy; 8uy; 0uy; 0uy; 0uy; 0xAAuy; 0xBBuy; 0xCCuy; 0uy |]
                  // Memory no array backs as a block's last write (a plan that is a closure, what the block leaves).
                  Durable.commit mapping (durable { do! Durable.writeMemory 12L (Memory.op_Implicit native.Memory: ReadOnlyMemory<byte>) }) =! Ok()
                  Mapping.read 12L 3L mapping =! [| 0xAAuy; 0xBBuy; 0xCCuy |])

          testCase "writeMemory of a pinned array's slice, and write of an sbyte[] passed as a byte[], store their bytes"
          <| fun () ->
              use dir = shmDir ()

              withFile dir (Array.zeroCreate (int size)) (fun mapping _ ->
                  // A pinned array's memory carries a flag in its start; an sbyte[] is a byte[] to a cast but not to
                  // an exact type test: both must store exactly their bytes.
                  let pinned = GC.AllocateArray<byte>(32, true)

                  for i in 0 .. pinned.Length - 1 do
                      pinned[i] <- byte (100 + i)

                  let pinnedSlice: ReadOnlyMemory<byte> = Memory.op_Implicit (System.Runtime.InteropServices.MemoryMarshal.CreateFromPinnedArray(pinned, 5, 4))
                  let signed = box [| 1y; -2y; 3y |] :?> byte array
                  Durable.commit mapping (durable { do! Durable.writeMemory 0L pinnedSlice }) =! Ok()
                  Durable.commit mapping (Durable.write 8L signed) =! Ok()
                  Durable.commit mapping (durable { do! Durable.write 16L signed }) =! Ok()
                  Mapping.read 0L 4L mapping =! [| 105uy; 106uy; 107uy; 108uy |]
                  Mapping.read 8L 3L mapping =! [| 1uy; 254uy; 3uy |]
                  Mapping.read 16L 3L mapping =! [| 1uy; 254uy; 3uy |])

          testCase "a block's last write is recorded in program order, in loops, try/finally and nested blocks"
          <| fun () ->
              use dir = shmDir ()

              withFile dir (Array.zeroCreate (int size)) (fun mapping _ ->
                  let trace = Collections.Generic.List<string>()

                  let plan =
                      durable {
                          for i in [| 0L; 1L |] do
                              do! Durable.writeInt64 (i * 8L) (i + 1L)

                          try
                              do! Durable.writeInt64 0L 7L
                          finally
                              trace.Add "finally"

                          let k = ref 0L

                          while k.Value < 2L do
                              k.Value <- k.Value + 1L
                              do! durable { do! Durable.writeInt64 (16L + k.Value * 8L) k.Value }

                          let! seen = Durable.readInt64 0L
                          trace.Add(string seen)
                          do! Durable.writeInt64 48L seen
                      }

                  Durable.commit mapping plan =! Ok()
                  List.ofSeq trace =! [ "finally"; "7" ]
                  Mapping.read 0L 56L mapping
                  =! Array.concat (List.map (fun (v: int64) -> BitConverter.GetBytes v) [ 7L; 2L; 0L; 1L; 2L; 0L; 7L ]))

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

let tests = testList "Durable" [ errorTests ]
