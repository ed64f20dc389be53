/// ByteMemory.ArrayOf, the commit's way to the array behind a ReadOnlyMemory<byte>, against MemoryMarshal.TryGetArray:
/// the same array and range for slices of ordinary and pinned arrays, null for memory no array backs.
module Pmem.Tests.ByteMemoryTests

open System
open System.Runtime.InteropServices
open Expecto
open Hedgehog
open Hedgehog.FSharp
open Pmem
open Pmem.Tests.TestDsl
open Pmem.Tests.NativeMemoryFixtures

/// What TryGetArray says: the array and its range (start times 2^32 plus length), or null.
let private expected (memory: ReadOnlyMemory<byte>) =
    let mutable segment = ArraySegment<byte>()

    if MemoryMarshal.TryGetArray(memory, &segment) then
        struct (segment.Array, (int64 segment.Offset <<< 32) ||| int64 segment.Count)
    else
        struct (null, 0L)

let tests =
    testList
        "ByteMemory"
        [ testPropertyN "slices of ordinary and pinned arrays: the array and range TryGetArray gives" 200
          <| property {
              let! length = Gen.int32 (Range.linear 0 300)
              let! start = Gen.int32 (Range.constant 0 length)
              let! count = Gen.int32 (Range.constant 0 (length - start))
              let! pinned = Gen.bool
              let array = if pinned then GC.AllocateArray<byte>(length, true) else Array.zeroCreate length

              let memory: ReadOnlyMemory<byte> =
                  if pinned then
                      Memory.op_Implicit (MemoryMarshal.CreateFromPinnedArray(array, start, count))
                  else
                      ReadOnlyMemory(array, start, count)

              let struct (owner, range) = ByteMemory.ArrayOf memory
              let struct (expectedOwner, expectedRange) = expected memory
              Object.ReferenceEquals(owner, expectedOwner) =! true
              range =! expectedRange
          }

          testCase "memory no array backs, and an sbyte[] cast to byte[], take the general way"
          <| fun () ->
              use native = new NativeBytes([| 1uy; 2uy; 3uy |])
              let struct (owner, _) = ByteMemory.ArrayOf(Memory.op_Implicit native.Memory)
              isNull owner =! true

              let signed = box [| 1y; 2y |] :?> byte array
              let struct (signedOwner, range) = ByteMemory.ArrayOf(ReadOnlyMemory(signed, 1, 1))
              Object.ReferenceEquals(signedOwner, signed) =! true
              range =! ((1L <<< 32) ||| 1L)
              ByteMemory.ArrayOf ReadOnlyMemory<byte>.Empty =! expected ReadOnlyMemory<byte>.Empty ]
