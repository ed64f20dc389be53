/// Durable.render and Durable.renderOn: what a plan would do, shown without committing it.
module Pmem.Tests.DurableRenderTests

open Expecto
open Pmem.FSharp
open Pmem.Tests.TestDsl
open Pmem.Tests.DurableFixtures

let tests =
    testList
        "render"
        [ testCase "render lists writes, barriers, reads, and the flushes and drains of the commit"
          <| fun () ->
              let plan =
                  durable {
                      let! tail = Durable.readInt64 0L
                      do! Durable.write 100L (Array.create 40 7uy)
                      do! Durable.barrier
                      do! Durable.writeInt64 0L (tail + 40L)
                      return tail
                  }

              let text = Durable.render plan
              let expected =
                  [ "2 writes (48 bytes), 1 barrier, 1 read"
                    "read     [0, 8)"
                    "write    [100, 140)"
                    "07 07 07 07 07 07 07 07 07 07 07 07 07 07 07 07 …"
                    "barrier"
                    "(int64 40)"
                    "Result: 0L"
                    "flush    lines 1..2 (bytes [64, 192))"
                    "flush    line 0 (bytes [0, 64))"
                    "Totals: 2 stores (0 non-temporal), 2 flush calls (3 lines), 2 drains" ]

              for part in expected do
                  Expect.stringContains text part "render shows it"

          testCase "renderOn reads the mapping, reports ranges out of it, and writes nothing"
          <| fun () ->
              use dir = shmDir ()

              withFile dir (Array.create (int size) 1uy) (fun mapping _ ->
                  let plan =
                      durable {
                          let! value = Durable.readByte 0L
                          do! Durable.writeInt64 (size - 4L) 0L
                          do! Durable.writeByte 0L (value + 1uy)
                          return value
                      }

                  let text = Durable.renderOn mapping plan
                  Expect.stringContains text "Result: 1uy" "the mapping was read"
                  Expect.stringContains text $"OUT OF RANGE (capacity {size})" "the bad write is marked"
                  Expect.stringContains text "Commit would return OutOfRange" "and the outcome said"
                  sameBytes "after render" (contents mapping) (Array.create (int size) 1uy))

          testCase "a plan prints as a plan with %A"
          <| fun () -> sprintf "%A" (Durable.readInt64 0L) =! "Durable<Int64> (a plan: Durable.render shows its steps)" ]
