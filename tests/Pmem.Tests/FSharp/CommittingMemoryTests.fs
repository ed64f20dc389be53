/// Durable.committing with the memory a write's bytes live in: memory no array backs (a MemoryManager's) is written as
/// an array's is; writes at the edges of a file commit; and a committing block allocates nothing.
module Pmem.Tests.CommittingMemoryTests

#nowarn "9" // NativeBytes: native memory behind a MemoryManager

open System
open System.Runtime.InteropServices
open Expecto
open Hedgehog
open Hedgehog.FSharp
open Microsoft.FSharp.NativeInterop
open Pmem
open Pmem.FSharp
open Pmem.Simulation
open Pmem.Tests.TestDsl
open Pmem.Tests.DurableModel
open Pmem.Tests.DurableFixtures

/// Memory no array backs: a MemoryManager over native memory (as a pool's or a mapped file's memory is).
type private NativeBytes(length: int) =
    inherit Buffers.MemoryManager<byte>()
    let pointer = NativeMemory.Alloc(unativeint (max length 1))
    member this.Fill(bytes: byte array) = bytes.CopyTo(this.GetSpan())

    override _.GetSpan() = Span<byte>(pointer, length)

    override _.Pin(elementIndex) = new Buffers.MemoryHandle(NativePtr.toVoidPtr (NativePtr.add (NativePtr.ofVoidPtr<byte> pointer) elementIndex))

    override _.Unpin() = ()

    override _.Dispose(_disposing) = NativeMemory.Free pointer

/// Commits a write of the same bytes from an array and from native memory behind a MemoryManager, as a plan and as a
/// committing block, on simulators; the answers, events and bytes must be the same.
let private sameAsArray (seed: int) (length: int) (skip: int) (offset: int64) (options: CommitOptions) =
    let image = initialImage size seed
    let bytes = Array.init (skip + length) (fun i -> byte (i * 7 + seed))
    use native = new NativeBytes(bytes.Length)
    native.Fill bytes
    let fromArray = ReadOnlyMemory(bytes, skip, length)
    let fromNative: ReadOnlyMemory<byte> = Memory<byte>.op_Implicit (native.Memory.Slice(skip, length))

    let commitEach (memory: ReadOnlyMemory<byte>) =
        let asPlan = PmemSimulator(ReadOnlySpan image)
        let direct = PmemSimulator(ReadOnlySpan image)

        let answers =
            Durable.commitWith
                options
                asPlan
                (durable {
                    do! Durable.writeInt64 0L 1L
                    do! Durable.writeMemory offset memory
                }),
            Durable.committingWith options direct { do! Durable.writeMemory offset memory }

        answers, eventShape asPlan.Events, eventShape direct.Events, bytesOf asPlan, bytesOf direct

    commitEach fromNative =! commitEach fromArray

/// Bytes the calling thread allocates per call of f, over 2000 calls after 3000 to warm up.
let private allocatedPerCall (f: int -> unit) =
    for i in 0..2999 do
        f i

    let before = GC.GetAllocatedBytesForCurrentThread()

    for i in 0..1999 do
        f i

    float (GC.GetAllocatedBytesForCurrentThread() - before) / 2000.0

let tests =
    testSequenced
    <| testList
        "Durable.committing and memory"
        [ testCase "memory no array backs (a MemoryManager's) is written as an array's is: same answer, stores, flushes, drains"
          <| fun () ->
              Property.check
              <| property {
                  let! seed = Gen.int32 (Range.constantBounded ())
                  let! length = Gen.int32 (Range.linear 1 600)
                  let! skip = Gen.int32 (Range.linear 0 64)
                  let! offset = Gen.int64 (Range.linear -8L (size - int64 length + 8L))
                  let! options = Gen.item optionsToTry
                  sameAsArray seed length skip offset options
              }

          testCase "writes at the edges of a file whose length is not a multiple of the page commit (a line past a write is only prefetched)"
          <| fun () ->
              use _ = withOptions (PmemOptions(IsPmemForce = true))
              use dir = shmDir ()
              let length = 4096L + 4096L + 100L
              use mapping = dir.File "edges.pmem" |> Mapping.mapFile (MapOptions.create length)

              for size in [ 65; 100; 256; 1000; 4096 ] do
                  let bytes = Array.init size (fun i -> byte (i + size))

                  for offset in [ 0L; 4096L - int64 size; 4096L; length - int64 size ] do
                      Durable.committing mapping { do! Durable.write offset bytes } =! Ok()
                      Mapping.read offset (int64 size) mapping =! bytes

                      Durable.commit mapping (durable {
                          do! Durable.fill offset (int64 size) 0x3Cuy
                          do! Durable.barrier
                      })
                      =! Ok()

                      Mapping.read offset (int64 size) mapping =! Array.create size 0x3Cuy

          testCase "a committing block allocates nothing: one write, a log append, scattered writes, a 4 KiB write"
          <| fun () ->
              use _ = withOptions (PmemOptions(IsPmemForce = true))
              use dir = shmDir ()
              let path = dir.File "alloc.pmem"
              use mapping = path |> Mapping.mapFile (MapOptions.create (1L <<< 20))
              let record = ReadOnlyMemory(Array.create 64 1uy)
              let block = ReadOnlyMemory(Array.create 4096 2uy)
              let offsets = [| 0L; 4096L + 64L; 8192L + 128L; 12288L + 192L |]
              let slot (i: int) = int64 (i % 200) * 4096L

              let one i =
                  match Durable.committing mapping { do! Durable.writeInt64 (slot i) (int64 i) } with
                  | Ok() -> ()
                  | Error e -> failtestf "%A" e

              let append i =
                  let result =
                      Durable.committing mapping {
                          do! Durable.writeMemory (slot i + 64L) record
                          do! Durable.barrier
                          do! Durable.writeInt64 (slot i) (int64 i)
                      }

                  Expect.isOk result "committed"

              let scatter i =
                  let result =
                      Durable.committing mapping {
                          for offset in offsets do
                              do! Durable.writeInt64 (int64 (i % 50) * 16384L + offset) (int64 i)
                      }

                  Expect.isOk result "committed"

              let copy i =
                  Expect.isOk (Durable.committing mapping { do! Durable.writeMemory (slot i) block }) "committed"

              use native = new NativeBytes(4096)
              let nativeBlock: ReadOnlyMemory<byte> = Memory<byte>.op_Implicit native.Memory

              let copyNative i =
                  Expect.isOk (Durable.committing mapping { do! Durable.writeMemory (slot i) nativeBlock }) "committed"

              for name, f in
                  [ "one write", one
                    "log append", append
                    "scattered writes", scatter
                    "4 KiB write", copy
                    "4 KiB write of native memory", copyNative ] do
                  Expect.equal (allocatedPerCall f) 0.0 $"{name}: bytes allocated per commit"

              // The native memory's bytes went to the mapping (the mapping's ApplyOnlyMemory, then a recorded one).
              let pattern = Array.init 4096 (fun i -> byte (i * 11 + 3))
              native.Fill pattern
              Durable.committing mapping { do! Durable.writeMemory 8192L nativeBlock } =! Ok()
              Mapping.read 8192L 4096L mapping =! pattern

              Durable.committing mapping {
                  do! Durable.writeMemory 0L (nativeBlock.Slice(100, 200))
                  do! Durable.writeInt64 4096L 1L
              }
              =! Ok()

              Mapping.read 0L 200L mapping =! Array.sub pattern 100 200 ]
