/// One test per member of the durable { } builder, each committing to a real mapping.
module Pmem.Tests.DurableBuilderTests

open System
open System.IO
open Expecto
open Pmem
open Pmem.FSharp
open Pmem.Tests.TestDsl

/// A fresh 4 KiB zeroed mapping on /dev/shm (or the disk temp dir), removed afterwards.
let private withMapping (body: PmemMapping -> unit) =
    use dir = shmDir ()
    use mapping = dir.File "builder.pmem" |> Mapping.mapFile (MapOptions.create 4096L)
    body mapping

let private int64At offset mapping =
    BitConverter.ToInt64(Mapping.read offset 8L mapping, 0)

let tests =
    testList
        "durable builder"
        [ testCase "Return: the value, and nothing written"
          <| fun () ->
              withMapping (fun mapping ->
                  Durable.commit mapping (durable { return 42 }) =! Ok 42
                  Mapping.read 0L 4096L mapping =! Array.zeroCreate 4096)

          testCase "ReturnFrom: the inner plan's value and writes"
          <| fun () ->
              withMapping (fun mapping ->
                  let inner =
                      durable {
                          do! Durable.writeInt64 0L 5L
                          return "inner"
                      }

                  Durable.commit mapping (durable { return! inner }) =! Ok "inner"
                  int64At 0L mapping =! 5L)

          testCase "Bind: let! passes the value on, and reads see the plan's earlier writes"
          <| fun () ->
              withMapping (fun mapping ->
                  let plan =
                      durable {
                          do! Durable.writeInt64 8L 41L
                          let! before = Durable.readInt64 8L
                          do! Durable.writeInt64 16L (before + 1L)
                          let! after = Durable.readInt64 16L
                          return before, after
                      }

                  Durable.commit mapping plan =! Ok(41L, 42L)
                  (int64At 8L mapping, int64At 16L mapping) =! (41L, 42L))

          testCase "BindReturn: let! followed by return maps the value"
          <| fun () ->
              withMapping (fun mapping ->
                  Mapping.copy 0L (BitConverter.GetBytes 20L) mapping

                  let plan =
                      durable {
                          let! value = Durable.readInt64 0L
                          return value * 2L
                      }

                  Durable.commit mapping plan =! Ok 40L)

          testCase "Zero: if without else writes only when the condition holds"
          <| fun () ->
              withMapping (fun mapping ->
                  let plan (flag: bool) =
                      durable {
                          if flag then
                              do! Durable.writeInt64 0L 1L
                      }

                  Durable.commit mapping (plan false) =! Ok()
                  int64At 0L mapping =! 0L
                  Durable.commit mapping (plan true) =! Ok()
                  int64At 0L mapping =! 1L)

          testCase "Combine: statements run in order, a later write wins"
          <| fun () ->
              withMapping (fun mapping ->
                  let plan =
                      durable {
                          do! Durable.write 0L [| 1uy; 1uy; 1uy; 1uy |]
                          do! Durable.write 2L [| 2uy; 2uy |]
                          return 3
                      }

                  Durable.commit mapping plan =! Ok 3
                  Mapping.read 0L 4L mapping =! [| 1uy; 1uy; 2uy; 2uy |])

          testCase "Delay/Run: building runs nothing; the body runs once per commit"
          <| fun () ->
              withMapping (fun mapping ->
                  let runs = ref 0

                  let plan =
                      durable {
                          runs.Value <- runs.Value + 1
                          do! Durable.writeInt32 0L runs.Value
                      }

                  runs.Value =! 0
                  Durable.commit mapping plan =! Ok()
                  Durable.commit mapping plan =! Ok()
                  runs.Value =! 2
                  Mapping.read 0L 4L mapping =! BitConverter.GetBytes 2)

          testCase "Durable.delay committed on its own: the generator runs at each commit, not when built"
          <| fun () ->
              withMapping (fun mapping ->
                  let runs = ref 0

                  let plan =
                      Durable.delay (fun () ->
                          runs.Value <- runs.Value + 1
                          Durable.writeInt32 0L runs.Value)

                  runs.Value =! 0
                  Durable.commit mapping plan =! Ok()
                  Durable.commit mapping plan =! Ok()
                  runs.Value =! 2
                  Mapping.read 0L 4L mapping =! BitConverter.GetBytes 2)

          testCase "For: one iteration per item, in order"
          <| fun () ->
              withMapping (fun mapping ->
                  let plan =
                      durable {
                          for i in 0..9 do
                              do! Durable.writeInt32 (int64 i * 4L) (i * i)
                      }

                  Durable.commit mapping plan =! Ok()
                  [ for i in 0..9 -> BitConverter.ToInt32(Mapping.read (int64 i * 4L) 4L mapping, 0) ] =! [ for i in 0..9 -> i * i ])

          testCase "For over an array (indexed, no enumerator): the same writes as over any sequence, read when the plan runs"
          <| fun () ->
              withMapping (fun mapping ->
                  let values = [| 5; 6; 7; 8 |]
                  let overArray = durable { for v in values do do! Durable.writeInt32 (int64 v * 4L) v }
                  let overSeq = durable { for v in Seq.ofArray values do do! Durable.writeInt32 (int64 v * 4L) v }
                  let overNothing = durable { for v in Array.empty<int> do do! Durable.writeInt32 0L v }
                  Durable.render overArray =! Durable.render overSeq
                  // The plan reads the array when it runs (like any sequence), not when it is built.
                  values[0] <- 9
                  Durable.commit mapping overArray =! Ok()
                  Durable.commit mapping overNothing =! Ok()
                  [ for v in [ 9; 6; 7; 8 ] -> BitConverter.ToInt32(Mapping.read (int64 v * 4L) 4L mapping, 0) ] =! [ 9; 6; 7; 8 ]
                  BitConverter.ToInt32(Mapping.read 20L 4L mapping, 0) =! 0)

          testCase "While: loops until the guard fails, the guard seeing values read in the loop"
          <| fun () ->
              withMapping (fun mapping ->
                  let plan =
                      durable {
                          let position = ref 0L
                          let last = ref 0L

                          while position.Value < 10L do
                              do! Durable.writeInt64 (position.Value * 8L) (position.Value + 100L)
                              let! written = Durable.readInt64 (position.Value * 8L)
                              last.Value <- written
                              position.Value <- position.Value + 1L

                          return last.Value
                      }

                  Durable.commit mapping plan =! Ok 109L
                  int64At 72L mapping =! 109L)

          testCase "TryFinally: the finally block runs at commit, also when the plan stops with an error"
          <| fun () ->
              withMapping (fun mapping ->
                  let finallyRuns = ref 0

                  let plan (offset: int64) =
                      durable {
                          try
                              do! Durable.writeInt64 offset 1L
                          finally
                              finallyRuns.Value <- finallyRuns.Value + 1
                      }

                  let good, bad = plan 0L, plan 4096L
                  finallyRuns.Value =! 0
                  Durable.commit mapping good =! Ok()
                  Durable.commit mapping bad =! Error(PmemError.OutOfRange(4096L, 8L, 4096L))
                  finallyRuns.Value =! 2)

          testCase "Using: the resource is disposed when the plan has run, not when it is built"
          <| fun () ->
              withMapping (fun mapping ->
                  let disposed = ref 0

                  let plan =
                      durable {
                          use _ = { new IDisposable with member _.Dispose() = disposed.Value <- disposed.Value + 1 }
                          do! Durable.writeInt64 0L 7L
                          return disposed.Value
                      }

                  disposed.Value =! 0
                  Durable.commit mapping plan =! Ok 0
                  disposed.Value =! 1)

          testCase "match: each branch is a plan"
          <| fun () ->
              withMapping (fun mapping ->
                  let plan (choice: Choice<int64, byte array>) =
                      durable {
                          match choice with
                          | Choice1Of2 value -> do! Durable.writeInt64 0L value
                          | Choice2Of2 bytes -> do! Durable.write 8L bytes
                      }

                  Durable.commit mapping (plan (Choice1Of2 3L)) =! Ok()
                  Durable.commit mapping (plan (Choice2Of2 [| 4uy |])) =! Ok()
                  Mapping.read 0L 9L mapping =! Array.append (BitConverter.GetBytes 3L) [| 4uy |])

          testCase "members other than Run and Delay run only while a plan runs: outside one they say so"
          <| fun () ->
              let outside name (call: unit -> unit) =
                  let error = Expect.throwsC (fun () -> call ()) id
                  Expect.isTrue (error :? InvalidOperationException) $"{name}: InvalidOperationException, not {error.GetType().Name}"
                  Expect.stringContains error.Message "Durable module" $"{name}: the message points to the Durable module"

              outside "Bind" (fun () -> durable.Bind(Durable.writeInt64 0L 1L, fun () -> Durable.unit) |> ignore)
              outside "Combine" (fun () -> durable.Combine(Durable.unit, fun () -> Durable.unit) |> ignore)
              outside "For" (fun () -> durable.For([ 1; 2 ], fun _ -> Durable.unit) |> ignore)

              // The same composition through the Durable module works anywhere, and so does a whole block.
              withMapping (fun mapping ->
                  let composed = Durable.writeInt64 0L 1L |> Durable.bind (fun () -> Durable.writeInt64 8L 2L)
                  Durable.commit mapping (durable { return! composed }) =! Ok()
                  int64At 8L mapping =! 2L)

          testCase "module composition: map, bind, ignore, iter, sequence, delay"
          <| fun () ->
              withMapping (fun mapping ->
                  let plan =
                      Durable.sequence [ Durable.result 1; Durable.map ((+) 1) (Durable.result 1) ]
                      |> Durable.bind (fun values ->
                          Durable.iter (fun v -> Durable.writeInt32 (int64 v * 4L) v) values
                          |> Durable.bind (fun () -> Durable.delay (fun () -> Durable.ignore (Durable.readInt32 4L)))
                          |> Durable.map (fun () -> values))

                  Durable.commit mapping plan =! Ok [ 1; 2 ]
                  Mapping.read 4L 8L mapping =! Array.append (BitConverter.GetBytes 1) (BitConverter.GetBytes 2)) ]
