/// Durable.commitAtomic for real: a child process commits generated plans in a loop on a /dev/shm file and is killed
/// with SIGKILL at random moments; after each kill the file is recovered and must hold exactly the state after the
/// last commit the child acknowledged, or after the one it was making.
module Pmem.Tests.KillTests

open System
open System.Buffers.Binary
open System.Diagnostics
open System.IO
open System.Threading
open Expecto
open Pmem
open Pmem.FSharp
open Pmem.Tests.TestDsl

/// The data the plans write: [0, 8) the number of commits so far, [8, 16) the seed, then 4080 bytes of payload.
let private dataSize = 4096

/// The file: the data, then the default 64 KiB redo log.
let private fileSize = int64 dataSize + RedoLogRegion.DefaultLength

/// The writes of commit number <paramref name="n"/> (1, 2, …) of a run with <paramref name="seed"/>: a few random
/// byte runs and scalars in the payload, then the counter. Deterministic, so the parent can replay any prefix.
let private writesOf (seed: int) (n: int64) =
    // SplitMix64 of (seed, n): the same in every process (HashCode.Combine is randomized per process).
    let mutable z = uint64 (uint32 seed) * 0x9E3779B97F4A7C15UL + uint64 n
    z <- (z ^^^ (z >>> 30)) * 0xBF58476D1CE4E5B9UL
    z <- (z ^^^ (z >>> 27)) * 0x94D049BB133111EBUL
    let random = Random(int (z ^^^ (z >>> 31)) &&& Int32.MaxValue)

    [ for _ in 1 .. random.Next(1, 9) do
          if random.Next 3 = 0 then
              let offset = 16 + 8 * random.Next((dataSize - 16) / 8)
              yield int64 offset, BitConverter.GetBytes(random.NextInt64())
          else
              let length = random.Next(1, 400)
              let offset = random.Next(16, dataSize - length + 1)
              let bytes = Array.zeroCreate length
              random.NextBytes bytes
              yield int64 offset, bytes
      yield 8L, BitConverter.GetBytes(int64 seed)
      yield 0L, BitConverter.GetBytes n ]

let private planOf seed n =
    durable {
        for offset, bytes in writesOf seed n do
            do! Durable.write offset bytes
    }

/// The state after commits 1 … n, kept as an image and advanced by replaying plans.
type private Model(seed: int) =
    let image = Array.zeroCreate<byte> dataSize
    let mutable count = 0L

    member _.Count = count

    member _.AdvanceTo(n: int64) =
        while count < n do
            count <- count + 1L

            for offset, bytes in writesOf seed count do
                bytes.CopyTo(image, int offset)

    member _.Image = image

/// The child: recover, then commit plan after plan, printing each commit's number once it returned. Never returns.
let child (path: string) (seed: int) : int =
    use mapping = path |> Mapping.mapFile MapOptions.existing

    match Durable.recover mapping with
    | Error e ->
        eprintfn "%s" (PmemError.describe e)
        2
    | Ok _ ->
        use out = new StreamWriter(Console.OpenStandardOutput())
        let mutable n = BinaryPrimitives.ReadInt64LittleEndian(ReadOnlySpan(Mapping.read 0L 8L mapping))
        let mutable failed = None

        while failed.IsNone do
            match Durable.commitAtomic mapping (planOf seed (n + 1L)) with
            | Ok () ->
                n <- n + 1L
                out.WriteLine n
                out.Flush()
            | Error e -> failed <- Some e

        eprintfn "%s" (PmemError.describe failed.Value)
        3

/// What one kill found.
type private Outcome =
    {
        /// The last commit number the child printed before it died.
        Acknowledged: int64
        /// The commit number in the file after recovery.
        Recovered: int64
        /// What recovery did.
        Recovery: RedoLogRecovery
    }

/// Starts a child on path, kills it with SIGKILL a random time after its first acknowledged commit, recovers the
/// file, and checks it against the model.
let private killOnce (path: string) (seed: int) (model: Model) (random: Random) =
    let host, prefix = selfCommand ()
    let psi = ProcessStartInfo(host)

    for a in prefix @ [ "--crash-child"; path; string seed ] do
        psi.ArgumentList.Add a

    psi.RedirectStandardOutput <- true
    psi.RedirectStandardError <- true
    psi.UseShellExecute <- false
    psi.Environment["PMEM_IS_PMEM_FORCE"] <- "1"
    // No debugger pipes or diagnostics socket in the temp directory: a process killed with SIGKILL cannot remove its own.
    psi.Environment["DOTNET_EnableDiagnostics"] <- "0"
    let mutable acknowledged = -1L
    let firstCommit = new ManualResetEventSlim(false)
    let errors = Text.StringBuilder()
    use child = new Process(StartInfo = psi)

    child.OutputDataReceived.Add(fun e ->
        match e.Data with
        | null -> ()
        | line ->
            Volatile.Write(&acknowledged, int64 line)
            firstCommit.Set())

    child.ErrorDataReceived.Add(fun e ->
        match e.Data with
        | null -> ()
        | line -> lock errors (fun () -> errors.AppendLine line |> ignore))

    child.Start() |> ignore
    child.BeginOutputReadLine()
    child.BeginErrorReadLine()

    if not (firstCommit.Wait(TimeSpan.FromSeconds 60.0)) then
        child.Kill()
        child.WaitForExit()
        failtestf "the child committed nothing within 60 s (exit code %d): %s" child.ExitCode (string errors)

    // A random moment: commits take microseconds, so any delay lands somewhere inside one.
    let delay = Stopwatch.StartNew()
    let wait = TimeSpan.FromMicroseconds(float (random.Next(0, 20_000)))

    while delay.Elapsed < wait && not child.HasExited do
        Thread.SpinWait 50

    if child.HasExited then
        failtestf "the child exited by itself (code %d): %s" child.ExitCode (string errors)

    child.Kill() // SIGKILL on Linux: no handler, no flush, no finally runs in the child.
    child.WaitForExit() // also waits until its output has been read to the end
    firstCommit.Dispose()
    let acknowledged = Volatile.Read(&acknowledged)

    use mapping = path |> Mapping.mapFile MapOptions.existing

    let recovery =
        match Durable.recover mapping with
        | Ok r -> r
        | Error e -> failtestf "recovery failed after a kill: %s" (PmemError.describe e)

    let image = Mapping.read 0L (int64 dataSize) mapping
    let recovered = BinaryPrimitives.ReadInt64LittleEndian(ReadOnlySpan(image, 0, 8))

    if recovered <> acknowledged && recovered <> acknowledged + 1L then
        failtestf "after a kill the file holds commit %d; the child had acknowledged %d" recovered acknowledged

    if recovered < model.Count then
        failtestf "commit %d was durable before, now the file holds %d" model.Count recovered

    model.AdvanceTo recovered

    if image <> model.Image then
        let first = Seq.zip image model.Image |> Seq.findIndex (fun (a, b) -> a <> b)
        failtestf "after a kill the data is not the state after commit %d: first difference at byte %d" recovered first

    {
        Acknowledged = acknowledged
        Recovered = recovered
        Recovery = recovery
    }

/// The kill test with <paramref name="kills"/> kills, each followed by recovery and the old-or-new check.
let testsWith (kills: int) =
    testList
        "Atomic commit under SIGKILL"
        [ testCase $"a child committing in a loop, killed {kills} times, always recovers to the old or the new state"
          <| fun () ->
              if not (Directory.Exists "/dev/shm") then
                  skip "needs /dev/shm"

              use dir = shmDir ()
              let path = dir.File "killed.pmem"
              (path |> Mapping.mapFile (MapOptions.create fileSize)).Dispose()
              let seed = Random.Shared.Next()
              let random = Random(seed)
              let model = Model(seed)
              let clock = Stopwatch.StartNew()
              let outcomes = [ for _ in 1 .. kills -> killOnce path seed model random ]
              let count f = outcomes |> List.filter f |> List.length
              let inFlight = count (fun o -> o.Recovered = o.Acknowledged + 1L)
              let completed = count (fun o -> o.Recovery = RedoLogRecovery.Completed)

              printfn
                  "kill test (seed %d): %d kills in %.1f s, %d commits in all; after recovery %d held the last acknowledged commit, %d the one in flight (its acknowledgement lost); recovery re-applied a committed log %d times, found it clean %d times"
                  seed
                  kills
                  clock.Elapsed.TotalSeconds
                  model.Count
                  (kills - inFlight)
                  inFlight
                  completed
                  (count (fun o -> o.Recovery = RedoLogRecovery.Clean))

              Expect.isGreaterThan model.Count (int64 kills) "the children committed between the kills" ]

/// The Test target's kill count.
let tests = testsWith 50
