/// Plans inside plans on one thread: a commit or a render started by a plan's own code records into its own journal,
/// and the outer plan goes on recording into its own (the builder finds the running plan's journal per thread).
module Pmem.Tests.NestedPlanTests

open System
open Expecto
open Pmem
open Pmem.FSharp
open Pmem.Tests.TestDsl
open Pmem.Tests.DurableFixtures

let private int64s (values: int64 list) =
    values |> List.map BitConverter.GetBytes |> Array.concat

let tests =
    testList
        "Durable nested plans"
        [ testCase "a durable { } block committed inside a plan writes its target; the outer block goes on with its own"
          <| fun () ->
              withTwoFiles (fun outer inner ->
                  let nestedPlan =
                      durable {
                          do! Durable.writeInt64 8L 20L
                          do! Durable.barrier
                          do! Durable.writeInt64 16L 30L
                      }

                  let plan =
                      durable {
                          do! Durable.writeInt64 0L 1L
                          let nested = Durable.commit inner nestedPlan
                          do! Durable.writeInt64 8L 2L
                          return nested
                      }

                  Durable.commit outer plan =! Ok(Ok())
                  Mapping.read 0L 24L outer =! int64s [ 1L; 2L; 0L ]
                  Mapping.read 0L 24L inner =! int64s [ 0L; 20L; 30L ])

          testCase "a render inside a plan shows only its own plan, and the outer plan's writes are all committed"
          <| fun () ->
              use dir = shmDir ()

              withFile dir (Array.zeroCreate (int size)) (fun mapping _ ->
                  let shown = durable { do! Durable.writeInt64 4000L 7L }

                  let plan =
                      durable {
                          do! Durable.writeInt64 0L 1L
                          let text = Durable.render shown
                          do! Durable.writeInt64 8L 2L
                          return text
                      }

                  match Durable.commit mapping plan with
                  | Ok text ->
                      Expect.stringContains text "[4000, 4008)" "the render shows its own plan's write"
                      Expect.stringContains text "1 write (8 bytes)" "and nothing else"
                      Expect.isFalse (text.Contains "[0, 8)" || text.Contains "[8, 16)") "no write of the outer plan"
                  | Error e -> failtestf "the commit failed: %A" e

                  Mapping.read 0L 16L mapping =! int64s [ 1L; 2L ]
                  Mapping.read 4000L 8L mapping =! Array.zeroCreate 8)

          testCase "a commit inside a rendered plan stores; the render goes on showing its own plan"
          <| fun () ->
              use dir = shmDir ()

              withFile dir (Array.zeroCreate (int size)) (fun mapping _ ->
                  let plan =
                      durable {
                          do! Durable.writeInt64 64L 5L
                          Durable.commit mapping (durable { do! Durable.writeInt64 128L 6L }) |> ignore
                          do! Durable.writeInt64 72L 9L
                      }

                  let text = Durable.render plan
                  Expect.stringContains text "write    [64, 72)" "the render shows the first write"
                  Expect.stringContains text "write    [72, 80)" "and the write after the nested commit"
                  Expect.stringContains text "2 writes" "and not the nested commit's"
                  Mapping.read 128L 8L mapping =! BitConverter.GetBytes 6L
                  Mapping.read 64L 16L mapping =! Array.zeroCreate 16)

          testCase "after a nested commit's plan throws, the thread's commits work and the builder is outside a plan again"
          <| fun () ->
              use dir = shmDir ()

              withFile dir (Array.zeroCreate (int size)) (fun mapping _ ->
                  let failing: Durable<unit> =
                      durable {
                          do! Durable.writeInt64 0L 1L
                          failwith "boom"
                      }

                  let plan =
                      durable {
                          do! Durable.writeInt64 8L 2L
                          Durable.commit mapping failing |> ignore
                      }

                  Expect.throwsT<Exception> (fun () -> Durable.commit mapping plan |> ignore) "the nested plan's exception"
                  Mapping.read 0L 16L mapping =! Array.zeroCreate 16
                  Durable.commit mapping (durable { do! Durable.writeInt64 16L 3L }) =! Ok()
                  Mapping.read 16L 8L mapping =! BitConverter.GetBytes 3L

                  Expect.throwsT<InvalidOperationException>
                      (fun () -> durable.Bind(Durable.writeInt64 0L 1L, (fun () -> Durable.unit)) |> ignore)
                      "a builder member outside a running plan") ]
