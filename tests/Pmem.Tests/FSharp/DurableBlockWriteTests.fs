/// A durable { } block committed on its own (DurableCommit.commitBlock) whose only store is one write: the same bytes,
/// stores, flushes and drain as the same plan committed through the general path (DurableCommit.commitOn), and nothing
/// stored when anything in the plan stops the commit.
module Pmem.Tests.DurableBlockWriteTests

open System
open Expecto
open Pmem
open Pmem.FSharp
open Pmem.Simulation
open Pmem.Tests.TestDsl
open Pmem.Tests.DurableFixtures

let private shape = eventShape

/// Commits `durable { do! write }` on a simulator over image as a block (Durable.commitWith: commitBlock) and through
/// the general path (simulateWith: commitOn); checks that both answer Ok with the same events and bytes; the block's
/// simulator.
let private commitBothWays (options: CommitOptions) (image: byte array) (write: Durable<unit>) (label: string) =
    let asBlock = PmemSimulator(ReadOnlySpan image)
    Durable.commitWith options asBlock (durable { do! write }) =! Ok()
    let applied = Durable.simulateWith options image (durable { do! write })
    applied.Value =! Ok()
    shape asBlock.Events =! shape applied.Simulator.Events
    let actual = Array.zeroCreate image.Length
    asBlock.Read(0L, Span actual)
    let expected = Array.zeroCreate image.Length
    applied.Simulator.Read(0L, Span expected)
    sameBytes label actual expected
    asBlock

/// commitBothWays, and the block's simulator then holds <paramref name="expected"/>: whether it streamed a store.
let private storesAsExpected options image (store: Durable<unit>) (expected: byte array) (label: string) =
    let asBlock = commitBothWays options image store label
    let actual = Array.zeroCreate (int size)
    asBlock.Read(0L, Span actual)
    sameBytes label actual expected
    shape asBlock.Events |> List.exists (fun e -> e.EndsWith "nt=True")


// Sequenced: the cases set process-wide options (PmemOptions.Use), which parallel tests would see.
let tests =
    testSequenced
    <| testList
        "Durable block's only write"
        [ testCase "a block's one write issues the stores, flushes and drain of the same plan committed the general way"
          <| fun () ->
              let image = Array.init (int size) (fun i -> byte (i % 251))
              let bytes = Array.init 4200 (fun i -> byte (i * 13 + 5))
              let mutable streamed = 0

              for options in optionsToTry do
                  for offset, start, count in
                      [ 0L, 0, 4096; 64L, 0, 4200; 100L, 0, 4096; 8L, 0, 8; 4000L, 3, 300; 0L, 5, 64; size - 64L, 0, 64 ] do
                      let write = Durable.writeMemory offset (ReadOnlyMemory(bytes, start, count))
                      let expected = Array.copy image
                      Array.blit bytes start expected (int offset) count

                      if storesAsExpected options image write expected $"write of {count} at {offset}" then
                          streamed <- streamed + 1

              Expect.isGreaterThan streamed 0 "some writes were streamed"

          testCase "a block's one scalar issues the store, flush and drain of the same plan committed the general way"
          <| fun () ->
              let image = Array.init (int size) (fun i -> byte (i % 251))

              for options in optionsToTry do
                  for offset in [ 0L; 7L; 57L; 60L; 64L; 4093L; size - 8L ] do
                      for write, width in
                          [ Durable.writeInt64 offset 0x0102030405060708L, 8
                            Durable.writeInt32 offset 0x0A0B0C0D, 4
                            Durable.writeByte offset 0x77uy, 1 ] do
                          let asBlock = commitBothWays options image write $"{width}-byte scalar at {offset}"
                          Expect.equal (Seq.length asBlock.Events) (if options.FinalDrain then 3 else 2) "store, flush (, fence)"

          testCase "a block's one fill issues the stores, flushes and drain of the same plan committed the general way"
          <| fun () ->
              let image = Array.init (int size) (fun i -> byte (i % 251))
              let mutable streamed = 0

              for options in optionsToTry do
                  for offset, length in [ 0L, 4096L; 64L, 256L; 100L, 300L; 8L, 8L; 4000L, 200L; 0L, 64L; size - 64L, 64L; 3L, 1L ] do
                      let fill = Durable.fill offset length 0xC5uy
                      let expected = Array.copy image
                      Array.fill expected (int offset) (int length) 0xC5uy

                      if storesAsExpected options image fill expected $"fill of {length} at {offset}" then
                          streamed <- streamed + 1

              Expect.isGreaterThan streamed 0 "some fills were streamed"

          testCase "a block inside a plan: what stops the plan after its write leaves the target unchanged"
          <| fun () ->
              use _ = withOptions (PmemOptions(IsPmemForce = true))
              use dir = shmDir ()
              let record = Array.init 4096 (fun i -> byte (i + 1))
              let inner = durable { do! Durable.write 0L record }
              let innerMapped = Durable.map id inner

              withFile dir (Array.zeroCreate (int size)) (fun mapping _ ->
                  let outOfRange = Durable.writeInt64 size 1L

                  // The block itself, and inside a combinator.
                  for first in [ inner; innerMapped ] do
                      let plan =
                          durable {
                              do! first
                              do! outOfRange
                          }

                      match Durable.commit mapping plan with
                      | Error(PmemError.OutOfRange _) -> ()
                      | other -> failtestf "expected OutOfRange, got %A" other

                  let throwing: Durable<unit> =
                      durable {
                          do! inner
                          failwith "boom"
                      }

                  Expect.throwsT<Exception> (fun () -> Durable.commit mapping throwing |> ignore) "the plan's exception"
                  sameBytes "after the stopped plans" (contents mapping) (Array.zeroCreate (int size))

                  // The same block as the last step is committed.
                  Durable.commit mapping (durable { do! inner }) =! Ok()
                  Mapping.read 0L 4096L mapping =! record)

          testCase "off pmem (msync), a block's only write is stored and the commit answers Ok"
          <| fun () ->
              use _ = withOptions (PmemOptions(IsPmemForce = false))
              use dir = diskDir ()

              withFile dir (Array.zeroCreate (int size)) (fun mapping _ ->
                  Expect.isFalse mapping.IsPmem "a file on disk is not pmem"
                  let bytes = Array.init 4096 (fun i -> byte (i * 3 + 1))
                  Durable.commit mapping (durable { do! Durable.write 64L bytes }) =! Ok()
                  Mapping.read 64L 4096L mapping =! bytes
                  Mapping.read 0L 64L mapping =! Array.zeroCreate 64)

          testCase "a block whose only write is out of range stores nothing and answers OutOfRange"
          <| fun () ->
              use _ = withOptions (PmemOptions(IsPmemForce = true))
              use dir = shmDir ()

              withFile dir (Array.zeroCreate (int size)) (fun mapping _ ->
                  let bytes = Array.create 128 0xABuy

                  for offset in [ size - 64L; size; -64L; Int64.MaxValue - 8L ] do
                      match Durable.commit mapping (durable { do! Durable.write offset bytes }) with
                      | Error(PmemError.OutOfRange(o, l, c)) -> (o, l, c) =! (offset, 128L, size)
                      | other -> failtestf "expected OutOfRange at %d, got %A" offset other

                      match Durable.commit mapping (durable { do! Durable.writeInt64 (offset + 60L) 1L }) with
                      | Error(PmemError.OutOfRange(o, l, c)) -> (o, l, c) =! (offset + 60L, 8L, size)
                      | other -> failtestf "expected OutOfRange at %d, got %A" (offset + 60L) other

                  sameBytes "after the refused writes" (contents mapping) (Array.zeroCreate (int size))
                  // An empty write stores nothing and commits.
                  Durable.commit mapping (durable { do! Durable.write 0L [||] }) =! Ok()
                  sameBytes "after the empty write" (contents mapping) (Array.zeroCreate (int size))) ]
