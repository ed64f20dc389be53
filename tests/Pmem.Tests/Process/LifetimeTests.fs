/// The mapping's lifetime: one owner (releasing the public SafeBuffer disposes the mapping), leases that hold it,
/// a Dispose that never waits (double and cross disposal from inside commits, 10^4 races each), and finalization
/// while other threads work.
module Pmem.Tests.LifetimeTests

open System
open System.IO
open System.Threading
open Expecto
open Pmem
open Pmem.FSharp
open Pmem.Tests.TestDsl

/// Runs a LifetimeChild scenario in a child process (forced pmem) and returns what it printed.
let runChild (environment: (string * string) list) (args: string list) =
    let host, prefix = selfCommand ()
    let ran =
        runWith
            ([ "PMEM_IS_PMEM_FORCE", "1"; "DOTNET_EnableDiagnostics", "0" ] @ environment)
            (TimeSpan.FromMinutes 2.0)
            host
            (prefix @ "--lifetime-child" :: args)
    Expect.equal ran.Code 0 $"the child process died (exit {ran.Code}):\n{ran.Out}\n{ran.Err}"
    ran.Out.Trim()

/// Runs body on a background thread (a deadlocked one cannot keep the test process alive); fails after the timeout.
let private finishesWithin (seconds: float) (what: string) (body: unit -> unit) =
    let mutable failure: exn = null
    let thread = Thread((fun () -> try body () with e -> failure <- e), IsBackground = true)
    thread.Start()
    if not (thread.Join(TimeSpan.FromSeconds seconds)) then failtestf "%s did not finish within %.0f s (deadlock?)" what seconds
    if not (isNull failure) then raise (AggregateException(what, failure))

/// Two threads meet at the barrier, then each runs its own action; both must end within the time.
let private race (barrier: Barrier) (first: unit -> unit) (second: unit -> unit) =
    // What an action throws fails the test (on a thread of its own it would end the test process).
    let thrown = Collections.Concurrent.ConcurrentQueue<exn>()
    let start (action: unit -> unit) =
        let t = Thread((fun () -> barrier.SignalAndWait(); try action () with e -> thrown.Enqueue e), IsBackground = true)
        t.Start()
        t
    let a, b = start first, start second
    barrier.SignalAndWait()
    if not (a.Join(TimeSpan.FromSeconds 30.0) && b.Join(TimeSpan.FromSeconds 30.0)) then
        failtest "a Dispose race did not finish within 30 s (deadlock)"
    if not thrown.IsEmpty then raise (AggregateException("a racing action threw", thrown))

let private ownership =
    testList
        "one owner"
        [ for how in [ "dispose"; "close"; "release" ] do
              yield testCase $"releasing Buffer ({how}) disposes the mapping: every later operation throws ObjectDisposedException" (fun () ->
                  use dir = shmDir ()
                  runChild [] [ "buffer"; how; dir.File "b.pmem" ] =! "ok")

          yield testCase "a lease holds the mapping: Dispose on another thread returns at once, the unmap waits for the lease" (fun () ->
              use dir = shmDir ()
              let path = dir.File "lease.pmem"
              let mapping = PmemFile.Map(path, 8192L, PmemFileFlags.Create)
              let address = mapping.Address
              use leased = new ManualResetEventSlim(false)
              use disposed = new ManualResetEventSlim(false)
              let mutable seenMapped = false

              let holder () =
                  use lease = mapping.Lease(4096L, 4096)
                  leased.Set()
                  if not (disposed.Wait(TimeSpan.FromSeconds 30.0)) then failwith "Dispose did not return while a lease was held"
                  lease.Span.Fill 9uy // no fault: still mapped
                  seenMapped <- mapsEntry address path |> Option.isSome

              let t = Thread(holder, IsBackground = true)
              t.Start()
              leased.Wait()
              finishesWithin 10.0 "Dispose while another thread holds a lease" mapping.Dispose
              catchT<ObjectDisposedException> (fun () -> mapping.Lease(0L, 8).Dispose()) |> ignore
              disposed.Set()
              t.Join()
              seenMapped =! true
              mapsEntry address path =! None)

          yield testCase "leases on two mappings end in any order; the disposed one unmaps at its lease's end" (fun () ->
              use dir = shmDir ()
              let pathA = dir.File "a.pmem"
              let a = PmemFile.Map(pathA, 4096L, PmemFileFlags.Create)
              use b = PmemFile.Map(dir.File "b.pmem", 4096L, PmemFileFlags.Create)
              let addressA = a.Address
              let la = a.Lease(0L, 64)
              let lb = b.Lease(0L, 64) // the thread already holds a: b is counted
              let la2 = a.Lease(64L, 64)
              a.Dispose()
              la.Span.Fill 1uy
              la.Dispose()
              lb.Dispose() // not innermost: still fine
              la2.Span.Fill 2uy
              mapsEntry addressA pathA |> Option.isSome =! true
              la2.Dispose()
              mapsEntry addressA pathA =! None
              use lease = b.Lease(0L, 64)
              lease.Span[0] =! 0uy) ]

/// How many races a test runs: a count (Test) or a duration (Soak).
type Budget =
    | Rounds of int
    | Lasting of TimeSpan

    member this.Label =
        match this with
        | Rounds n -> $"{n} races"
        | Lasting t -> sprintf "for %g min" (Math.Round(t.TotalMinutes, 2))

    /// The same kind of budget, a duration scaled by fraction (a count stays as it is).
    member this.Scaled(fraction: float) =
        match this with
        | Rounds n -> Rounds n
        | Lasting t -> Lasting(t * fraction)

    /// The rounds to run, 1, 2, ... until the budget is spent.
    member this.Sequence =
        match this with
        | Rounds n -> Seq.init n ((+) 1)
        | Lasting t ->
            let until = DateTime.UtcNow + t
            Seq.initInfinite ((+) 1) |> Seq.takeWhile (fun _ -> DateTime.UtcNow < until)

/// Double and cross disposal from inside commits for `budget` each; operations racing a Dispose for `opsBudget`.
let private disposalWith (budget: Budget) (opsBudget: Budget) =
    testList
        "Dispose never deadlocks"
        [ testCase $"two threads inside commits on A both dispose A ({budget.Label})" (fun () ->
              use _ = withOptions (PmemOptions(IsPmemForce = true))
              use dir = shmDir ()
              let path = dir.File "double.pmem"
              (PmemFile.Map(path, 4096L, PmemFileFlags.Create)).Dispose()
              use barrier = new Barrier(3)
              let failures = Collections.Concurrent.ConcurrentQueue<string>()

              for round in budget.Sequence do
                  let a = PmemFile.Map(path)
                  let address = a.Address
                  let commitAndDispose (word: int64) () =
                      let plan = durable {
                          do! Durable.writeInt64 (word * 8L) (int64 round)
                          a.Dispose()
                          do! Durable.writeInt64 (word * 8L + 64L) (int64 round)
                      }
                      match Durable.commit a plan with
                      | Ok() | Error PmemError.Disposed -> ()
                      | Error e -> failures.Enqueue(PmemError.describe e)

                  race barrier (commitAndDispose 0L) (commitAndDispose 1L)
                  a.IsDisposed =! true
                  if round % 500 = 0 then mapsEntry address path =! None

              Expect.isEmpty failures "every commit was Ok or Disposed")

          testCase $"a plan on A disposes B while a plan on B disposes A ({budget.Label})" (fun () ->
              use _ = withOptions (PmemOptions(IsPmemForce = true))
              use dir = shmDir ()
              let pathA, pathB = dir.File "a.pmem", dir.File "b.pmem"
              (PmemFile.Map(pathA, 4096L, PmemFileFlags.Create)).Dispose()
              (PmemFile.Map(pathB, 4096L, PmemFileFlags.Create)).Dispose()
              use barrier = new Barrier(3)
              use inside = new Barrier(2)
              let failures = Collections.Concurrent.ConcurrentQueue<string>()
              let mutable last = 0

              for round in budget.Sequence do
                  last <- round
                  let a, b = PmemFile.Map(pathA), PmemFile.Map(pathB)
                  let addresses = [ a.Address; b.Address ]
                  let commitAndDispose (mine: PmemMapping) (other: PmemMapping) () =
                      let plan = durable {
                          do! Durable.writeInt64 0L (int64 round)
                          inside.SignalAndWait() // both commits are running
                          other.Dispose()
                          do! Durable.writeInt64 8L (int64 round)
                      }
                      match Durable.commit mine plan with
                      | Ok() | Error PmemError.Disposed -> ()
                      | Error e -> failures.Enqueue(PmemError.describe e)

                  race barrier (commitAndDispose a b) (commitAndDispose b a)
                  (a.IsDisposed, b.IsDisposed) =! (true, true)
                  if round % 500 = 0 then
                      for address, path in List.zip addresses [ pathA; pathB ] do mapsEntry address path =! None

              Expect.isEmpty failures "every commit was Ok or Disposed"
              // Both plans ran to their end on mapped memory: the last round's words are in both files.
              for path in [ pathA; pathB ] do
                  let bytes = File.ReadAllBytes path
                  (BitConverter.ToInt64(bytes, 0), BitConverter.ToInt64(bytes, 8)) =! (int64 last, int64 last))

          testCase $"operations racing a Dispose: before it, they complete; after it returned, they throw ({opsBudget.Label})" (fun () ->
              use _ = withOptions (PmemOptions(IsPmemForce = true))
              use dir = shmDir ()
              for round in opsBudget.Sequence do
                  let path = dir.File $"ops{round}.pmem"
                  let m = PmemFile.Map(path, 1L <<< 20, PmemFileFlags.Create)
                  File.Delete path // the mapping keeps the pages; a long soak leaves no files behind
                  let mutable disposedAt = false
                  let errors = Collections.Concurrent.ConcurrentQueue<string>()
                  let worker (index: int) () =
                      let data = Array.create 4096 (byte index)
                      let back = Array.zeroCreate<byte> 4096
                      let mutable go = true
                      while go do
                          let after = Volatile.Read &disposedAt
                          try
                              m.Copy(int64 index * 65536L, ReadOnlySpan data)
                              m.Read(int64 index * 65536L, Span back)
                              use lease = m.Lease(int64 index * 65536L + 8192L, 64)
                              lease.Span.Fill(byte index)
                              if after then errors.Enqueue "an operation started after Dispose returned ran"
                          with :? ObjectDisposedException -> go <- false
                  let threads = [ for i in 0..3 -> Thread(worker i, IsBackground = true) ]
                  threads |> List.iter (fun t -> t.Start())
                  Thread.Sleep 2
                  finishesWithin 10.0 "Dispose racing operations" m.Dispose
                  Volatile.Write(&disposedAt, true)
                  threads |> List.iter (fun t -> t.Join())
                  Expect.isEmpty errors "no operation after Dispose") ]

/// Rounds of 20 mappings dropped (finalized) while two threads copy into and read back their own mappings.
let private finalizationWith (budget: Budget) =
    testCase $"mappings finalized while other threads work on theirs: only the dropped ones are unmapped ({budget.Label})" (fun () ->
        use dir = shmDir ()
        let stop = ref false
        let errors = Collections.Concurrent.ConcurrentQueue<string>()

        let worker (index: int) () =
            use m = PmemFile.Map(dir.File $"live{index}.pmem", 65536L, PmemFileFlags.Create)
            let data = Array.zeroCreate<byte> 4096
            let back = Array.zeroCreate<byte> 4096
            let mutable n = 0
            while not (Volatile.Read &stop.contents) do
                n <- n + 1
                Array.fill data 0 data.Length (byte n)
                m.Copy(int64 (n % 16) * 4096L, ReadOnlySpan data)
                m.Read(int64 (n % 16) * 4096L, Span back)
                if back <> data then errors.Enqueue $"worker {index}: read back differs"

        let threads = [ for i in 0..1 -> Thread(worker i, IsBackground = true) ]
        threads |> List.iter (fun t -> t.Start())

        let failures = Collections.Concurrent.ConcurrentQueue<string>()

        for round in budget.Sequence do
            let dropped = [ for k in 1..20 -> dir.File $"dropped{round}-{k}.pmem" ]

            for path in dropped do
                let m = PmemFile.Map(path, 4096L, PmemFileFlags.Create)
                m.Copy(0L, ReadOnlySpan [| 1uy |])
                GC.Collect()
                GC.WaitForPendingFinalizers()
                GC.Collect()

            let maps = File.ReadAllText "/proc/self/maps"
            let stillMapped = dropped |> List.filter (fun path -> maps.Contains(path + "\n"))
            // The JIT may keep the last few objects reachable a little longer; most must be gone.
            if stillMapped.Length >= 5 then failures.Enqueue $"round {round}: {stillMapped.Length} of 20 dropped mappings still mapped"
            for path in dropped do File.Delete path

        Volatile.Write(&stop.contents, true)
        threads |> List.iter (fun t -> t.Join())
        Expect.isEmpty errors "workers saw their own data"
        Expect.isEmpty failures "dropped mappings are unmapped by their finalizer")

let tests =
    testSequenced (testList "Lifetime" [ ownership; disposalWith (Rounds 10_000) (Rounds 20); finalizationWith (Rounds 1) ])

/// Maps made at once on four threads on the disk file system, in a child process, for `seconds` (LifetimeChild's
/// concurrent-maps scenario): each mapping and file holds its own thread's tags.
let concurrentMaps (seconds: float) =
    use dir = diskDir ()
    runChild [] [ "concurrent-maps"; dir.Path; string seconds ] =! "ok"

let private concurrentMapsFor (seconds: float) =
    testCase $"maps made at once on four threads for {seconds:F0} s never land on each other" (fun () -> concurrentMaps seconds)

/// The Soak target's lifetime stress for `minutes` (10 by default): double and cross disposal from inside commits,
/// 30% of the time each; operations racing a Dispose, 20%; finalization while other threads work, 20%; maps made at
/// once, 10% (at most 90 s: the child's time limit is two minutes).
let soakTests (minutes: float) =
    let total = Lasting(TimeSpan.FromMinutes minutes)
    testSequenced (
        testList
            "Lifetime (soak)"
            [ disposalWith (total.Scaled 0.3) (total.Scaled 0.2)
              finalizationWith (total.Scaled 0.2)
              concurrentMapsFor (min 90.0 (minutes * 60.0 * 0.1)) ]
    )
