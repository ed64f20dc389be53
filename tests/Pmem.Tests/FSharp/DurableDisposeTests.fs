/// Durable.commit and Dispose: commits racing a Dispose on other threads (pmem and msync paths), a disposed
/// mapping, and plans that dispose a mapping from inside their own commit.
module Pmem.Tests.DurableDisposeTests

open System
open System.IO
open System.Threading
open Expecto
open Pmem
open Pmem.FSharp
open Pmem.Tests.TestDsl

/// What a racing worker commits: writes over 16 pages, a barrier, then the worker's own word (plenty of stores and
/// flushes to race with), as a plan given to Durable.commit or as a committing block.
type private Racer = PmemMapping -> int -> int64 -> Result<unit, PmemError>

let private racePlan (index: int) (value: int64) =
    durable {
        for k in 0L .. 15L do
            do! Durable.writeInt64 (k * 65536L + int64 index * 8L) value

        do! Durable.barrier
        do! Durable.writeInt64 (int64 index * 64L) value
    }

let private asPlan: Racer = fun mapping index value -> Durable.commit mapping (racePlan index value)

let private asBlock: Racer =
    fun mapping index value ->
        Durable.committing mapping {
            for k in 0L .. 15L do
                do! Durable.writeInt64 (k * 65536L + int64 index * 8L) value

            do! Durable.barrier
            do! Durable.writeInt64 (int64 index * 64L) value
        }

/// Several threads commit to one mapping while the test thread disposes it. Every commit must return Ok or
/// Disposed (a commit on unmapped memory would crash the process), and a commit started after Dispose returned must
/// return Disposed.
let private commitsRacingDispose (commit: Racer) (dir: TempDir) =
    let workers = 4

    for round in 1..10 do
        let mapping = dir.File $"race{round}.pmem" |> Mapping.mapFile (MapOptions.create (1L <<< 20))
        let failures = Collections.Concurrent.ConcurrentQueue<string>()
        let committed = Array.zeroCreate<int> workers
        let disposed = ref false

        let worker (index: int) () =
            let mutable running = true
            let mutable value = 0L

            while running do
                value <- value + 1L
                let startedAfterDispose = Volatile.Read &disposed.contents

                try
                    match commit mapping index value with
                    | Ok() when startedAfterDispose -> failures.Enqueue "a commit started after Dispose returned was Ok"
                    | Ok() -> Interlocked.Increment &committed[index] |> ignore
                    | Error PmemError.Disposed -> running <- false
                    | Error e -> failures.Enqueue(PmemError.describe e)
                with e ->
                    failures.Enqueue(string e)
                    running <- false

        let threads = [ for i in 0 .. workers - 1 -> Thread(worker i) ]
        threads |> List.iter (fun t -> t.Start())
        // Dispose only once every worker is committing.
        while Seq.exists (fun i -> Volatile.Read &committed[i] < 20) [ 0 .. workers - 1 ] && failures.IsEmpty do
            Thread.Yield() |> ignore

        mapping.Dispose()
        Volatile.Write(&disposed.contents, true)
        threads |> List.iter (fun t -> t.Join())
        Expect.isEmpty failures $"round {round}: only Ok, then Disposed"

let tests =
    testSequenced
    <| testList
        "Durable and Dispose"
        [ testCase "commits racing a Dispose return Ok or Disposed, never crash, and none succeeds after Dispose"
          <| fun () ->
              use _ = withOptions (PmemOptions(IsPmemForce = true))
              use dir = shmDir ()
              commitsRacingDispose asPlan dir

          testCase "commits racing a Dispose return Ok or Disposed (msync path)"
          <| fun () ->
              use _ = withOptions PmemOptions.Default
              use dir = diskDir ()
              commitsRacingDispose asPlan dir

          testCase "committing blocks racing a Dispose return Ok or Disposed, never crash, and none succeeds after Dispose"
          <| fun () ->
              use _ = withOptions (PmemOptions(IsPmemForce = true))
              use dir = shmDir ()
              commitsRacingDispose asBlock dir

          testCase "committing blocks racing a Dispose return Ok or Disposed (msync path)"
          <| fun () ->
              use _ = withOptions PmemOptions.Default
              use dir = diskDir ()
              commitsRacingDispose asBlock dir

          testCase "a disposed mapping gives Disposed"
          <| fun () ->
              use dir = shmDir ()
              let path = dir.File "disposed.pmem"
              let mapping = path |> Mapping.mapFile (MapOptions.create 4096L)
              mapping.Dispose()
              Durable.commit mapping (Durable.writeInt64 0L 1L) =! Error PmemError.Disposed
              Durable.commit mapping (Durable.result 1) =! Error PmemError.Disposed

          testCase "a plan that disposes its own mapping: the commit completes, the unmap waits for its end"
          <| fun () ->
              use _ = withOptions (PmemOptions(IsPmemForce = true))
              use dir = shmDir ()
              let path = dir.File "self-disposed.pmem"
              let mapping = path |> Mapping.mapFile (MapOptions.create 4096L)
              let address = mapping.Address
              let mutable mappedDuringPlan = None

              let plan =
                  durable {
                      do! Durable.writeInt64 0L 7L
                      mapping.Dispose()
                      mappedDuringPlan <- Some(mapsEntry address path |> Option.isSome)
                      do! Durable.writeInt64 8L 9L
                  }

              Durable.commit mapping plan =! Ok()
              mappedDuringPlan =! Some true
              mapsEntry address path =! None
              Durable.commit mapping (Durable.writeInt64 0L 1L) =! Error PmemError.Disposed
              let bytes = File.ReadAllBytes path
              BitConverter.ToInt64(bytes, 0) =! 7L
              BitConverter.ToInt64(bytes, 8) =! 9L

          testCase "a committing block that disposes its own mapping: the commit completes, the unmap waits for its end"
          <| fun () ->
              use _ = withOptions (PmemOptions(IsPmemForce = true))
              use dir = shmDir ()
              let path = dir.File "self-disposed-block.pmem"
              let mapping = path |> Mapping.mapFile (MapOptions.create 4096L)
              let address = mapping.Address
              let mappedDuringBlock = ref None

              let answer =
                  Durable.committing mapping {
                      do! Durable.writeInt64 0L 7L
                      mapping.Dispose()
                      mappedDuringBlock.Value <- Some(mapsEntry address path |> Option.isSome)
                      do! Durable.writeInt64 8L 9L
                  }

              answer =! Ok()
              mappedDuringBlock.Value =! Some true
              mapsEntry address path =! None
              Durable.committing mapping { do! Durable.writeInt64 0L 1L } =! Error PmemError.Disposed
              let bytes = File.ReadAllBytes path
              BitConverter.ToInt64(bytes, 0) =! 7L
              BitConverter.ToInt64(bytes, 8) =! 9L

          testCase "a plan that commits to a second mapping and disposes it: both commits complete"
          <| fun () ->
              use _ = withOptions (PmemOptions(IsPmemForce = true))
              use dir = shmDir ()
              use outer = dir.File "outer.pmem" |> Mapping.mapFile (MapOptions.create 4096L)
              let innerPath = dir.File "inner.pmem"
              let inner = innerPath |> Mapping.mapFile (MapOptions.create 4096L)
              let innerAddress = inner.Address

              let plan =
                  durable {
                      do! Durable.writeInt64 0L 1L
                      let innerResult = Durable.commit inner (Durable.writeInt64 0L 2L)
                      inner.Dispose()
                      do! Durable.writeInt64 8L 3L
                      return innerResult
                  }

              Durable.commit outer plan =! Ok(Ok())
              mapsEntry innerAddress innerPath =! None
              BitConverter.ToInt64(File.ReadAllBytes innerPath, 0) =! 2L
              let mutable read = Array.zeroCreate<byte> 16
              outer.Read(0L, Span read)
              (BitConverter.ToInt64(read, 0), BitConverter.ToInt64(read, 8)) =! (1L, 3L) ]
