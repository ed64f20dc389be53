/// Copies and fills split across threads (ParallelCopy): the same bytes, routine and guarantees as the serial call at
/// every piece boundary, for forced thread counts 1..4, every flag and flush flavour; overlapping moves; Dispose
/// racing a split copy; a saturated thread pool; the options, the report and the simulator.
module Pmem.Tests.ParallelCopyTests

#nowarn "9" // native pointers: the engines under test take raw addresses

open System
open System.Threading
open Expecto
open Microsoft.FSharp.NativeInterop
open Pmem
open Pmem.FSharp
open Pmem.Tests.TestDsl
open Pmem.Tests.CopyFixtures

/// The variant's options with a forced thread count and split threshold.
let private parallelOptions (v: Variant) (threads: int) (threshold: int64) =
    optionsWith v (Nullable threads) (Nullable threshold)

/// The variant's configuration with a forced thread count and threshold (skipped where the CPU lacks the variant).
let private parallelConfig (v: Variant) (threads: int) (threshold: int64) =
    configFor v |> ignore
    ResolvedConfig.Create(parallelOptions v threads threshold)

/// The flags of every routine, with and without the drain.
let private everyFlag =
    [ PmemCopyFlags.None
      PmemCopyFlags.NoDrain
      PmemCopyFlags.NonTemporal
      PmemCopyFlags.NonTemporal ||| PmemCopyFlags.NoDrain
      PmemCopyFlags.Temporal
      PmemCopyFlags.Temporal ||| PmemCopyFlags.NoDrain
      PmemCopyFlags.WriteCombining
      PmemCopyFlags.WriteBack ||| PmemCopyFlags.NoDrain
      PmemCopyFlags.NoFlush ]

let private threshold = 4096

/// Lengths just below, at and above the threshold, and longer ones whose pieces end on every kind of line position.
let private lengthsAround = [ threshold - 1; threshold; threshold + 1; threshold + 63; 3 * threshold + 5; 5 * threshold + 40 ]

/// Every destination misalignment at the head, several tails, the given lengths: bytes, routine and split checked.
let private sweep (v: Variant) (threads: int) (flagsList: PmemCopyFlags list) (lengths: int list) (misalignments: int list) =
    let config = parallelConfig v threads threshold
    let serial = parallelConfig v 1 threshold
    use rig = new MoveRig(List.max lengths)
    let mutable mostWorkers = 0

    let check (label: unit -> string) (run: CopyRun) (serialRun: CopyRun) =
        if run.Path <> serialRun.Path || run.Isa <> serialRun.Isa then
            failtestf "%s: ran %A, the serial call runs %A" (label ()) run serialRun

        mostWorkers <- max mostWorkers run.Workers

    for flags in flagsList do
        for length in lengths do
            for dm in misalignments do
                let sm = (dm * 7) % 64
                let copyLabel () = $"{v.Name} {threads} threads flags {flags}: copy of {length} B, dest+{dm}, src+{sm}"
                let fillLabel () = $"{v.Name} {threads} threads flags {flags}: fill of {length} B, dest+{dm}"
                let run = CopyEngine.Memmove(config, rig.Dest dm, rig.Src sm, unativeint length, flags)
                let serialRun = CopyEngine.Memmove(serial, rig.Dest dm, rig.Src sm, unativeint length, flags)
                check copyLabel run serialRun
                rig.Copy(config, flags, dm, sm, length) |> expectSame copyLabel
                let run = CopyEngine.Memset(config, rig.Dest dm, 0x5Auy, unativeint length, flags)
                let serialRun = CopyEngine.Memset(serial, rig.Dest dm, 0x5Auy, unativeint length, flags)
                check fillLabel run serialRun
                rig.Fill(config, flags, dm, 0xA5uy, length) |> expectSame fillLabel

    mostWorkers

/// The vector widths split into threads − 1 workers (at least once: other tests may hold workers for a while, so when
/// the sweep never got them all, a split copy is retried for up to a few seconds before the test fails).
let private expectSplit (v: Variant) (threads: int) (mostWorkers: int) =
    let expected = if v.Width = Generic || v.Width = Runtime then 0 else threads - 1
    let mutable mostWorkers = mostWorkers

    if mostWorkers < expected then
        let config = parallelConfig v threads threshold
        use rig = new MoveRig(3 * threshold)
        let mutable tries = 0

        while mostWorkers < expected && tries < 500 do
            let run = CopyEngine.Memmove(config, rig.Dest 0, rig.Src 0, unativeint (3 * threshold), PmemCopyFlags.None)
            mostWorkers <- max mostWorkers run.Workers
            tries <- tries + 1

            if mostWorkers < expected then
                Thread.Sleep 5

    Expect.equal mostWorkers expected $"{v.Name}: the most workers any call used with {threads} threads"

let private boundaryTests =
    testList
        "every piece boundary: each destination misalignment, lengths around the threshold, bytes equal the serial call's"
        [ for w in vectorWidths do
              for threads in 1..4 ->
                  testCase $"{variant w Clwb |> fun v -> v.Name} {threads} threads" (fun () ->
                      let v = variant w Clwb
                      sweep v threads [ PmemCopyFlags.None; PmemCopyFlags.NoDrain ] lengthsAround [ 0..63 ] |> expectSplit v threads) ]

let private flagTests =
    testList
        "every flag and flush flavour: the routine of the serial call, the same bytes"
        [ for w in allWidths do
              for f in allFlushKinds ->
                  let v = variant w f

                  testCase v.Name (fun () ->
                      sweep v 2 everyFlag [ threshold; 3 * threshold + 5 ] [ 0; 1; 7; 8; 31; 32; 56; 63 ] |> expectSplit v 2) ]

let private tinyPieceTests =
    testList
        "pieces smaller than a line"
        [ testCase "threshold 0 and 4 threads: every length 0..320 at every destination misalignment (empty pieces are given back)" (fun () ->
              let v = variant Avx Clwb
              let config = parallelConfig v 4 0
              use rig = new MoveRig(320)

              for length in 0..320 do
                  for dm in 0..63 do
                      rig.Copy(config, PmemCopyFlags.NoDrain, dm, 63 - dm, length)
                      |> expectSame (fun () -> $"copy of {length} B, dest+{dm}")

                      rig.Fill(config, PmemCopyFlags.NoDrain, dm, 0xC3uy, length)
                      |> expectSame (fun () -> $"fill of {length} B, dest+{dm}")) ]

/// Overlapping moves (kept serial) and disjoint ones (split) inside one guarded region, both directions.
let private guardedMoves (threads: int) =
    let v = variant Avx512 Clwb
    let config = parallelConfig v threads threshold
    use rig = OverlapRig.Guarded 8
    let size = rig.Size

    let move flags (src: int) (dest: int) (length: int) =
        rig.Move(config, flags, src, dest, length)
        |> expectSame (fun () -> $"{threads} threads flags {flags}: move of {length} B from +{src} to +{dest}")

    for flags in [ PmemCopyFlags.None; PmemCopyFlags.NoDrain; PmemCopyFlags.Temporal; PmemCopyFlags.NoFlush ] do
        for head in 0..63 do
            for tail in [ 0; 1; 8; 63 ] do
                let length = size / 2 - head - tail
                // Exactly adjacent (no overlap: split), one byte of overlap, and far overlaps; forward then backward.
                for distance in [ length; length - 1; length / 2; 64; 1 ] do
                    let room = size - length - distance
                    move flags (head + distance + room / 2) (head + room / 2) length
                    move flags (head + room / 2) (head + distance + room / 2) length

let private moveTests =
    testList
        "moves in a guarded region: overlapping both ways (serial) and adjacent (split) equal Span.CopyTo"
        [ for threads in 2..4 -> testCase $"{threads} threads" (fun () -> guardedMoves threads) ]

let private partTests =
    testList
        "pieces of several parts (taken from the front by the worker, from the back by the caller)"
        [ for threads in 2..3 ->
              testCase $"{threads} threads: copies and fills of 5 MiB - 3 and 8 MiB + 5 bytes" (fun () ->
                  let v = variant Avx512 Clwb
                  let lengths = [ 5 * 1048576 - 3; 8 * 1048576 + 5 ]
                  sweep v threads [ PmemCopyFlags.None; PmemCopyFlags.NoDrain ] lengths [ 0; 1; 63 ]
                  |> expectSplit v threads) ]

let private allocationTests =
    testList
        "allocation"
        [ testCase "a split copy or fill allocates nothing on the calling thread once the workers exist" (fun () ->
              let config = parallelConfig (variant Avx Clwb) 4 65536
              use rig = new MoveRig(1 <<< 20)

              let run () =
                  let a = CopyEngine.Memmove(config, rig.Dest 3, rig.Src 5, 1000000un, PmemCopyFlags.NoDrain)
                  let b = CopyEngine.Memset(config, rig.Dest 3, 9uy, 1000000un, PmemCopyFlags.None)
                  a.Workers + b.Workers

              let mutable workers = 0

              for _ in 1..20 do
                  workers <- workers + run ()

              let before = GC.GetAllocatedBytesForCurrentThread()

              for _ in 1..50 do
                  workers <- workers + run ()

              let allocated = GC.GetAllocatedBytesForCurrentThread() - before
              Expect.isGreaterThan workers 0 "some calls were split"
              allocated =! 0L) ]

let private optionTests =
    testList
        "options and report"
        [ testCase "PMEM_NET_COPY_THREADS and PMEM_NET_PARALLEL_THRESHOLD are read, clamped and noted" (fun () ->
              let parse (pairs: (string * string) list) : PmemOptions = PmemOptions.Parse(readOnlyDict pairs)
              let o = parse [ "PMEM_NET_COPY_THREADS", "3"; "PMEM_NET_PARALLEL_THRESHOLD", "1048576" ]
              o.CopyThreads =! Nullable 3
              o.ParallelThreshold =! Nullable 1048576L
              Expect.equal o.Notes.Count 2 "one note per variable"
              (parse [ "PMEM_NET_COPY_THREADS", "1000" ]).CopyThreads =! Nullable PmemOptions.MaxCopyThreads

              for bad in [ "0"; "-2"; "two" ] do
                  let o = parse [ "PMEM_NET_COPY_THREADS", bad ]
                  o.CopyThreads =! Nullable()
                  Expect.stringContains o.Notes[0] "ignored" bad

              let o = parse [ "PMEM_NET_PARALLEL_THRESHOLD", "-1" ]
              o.ParallelThreshold =! Nullable()
              Expect.stringContains o.Notes[0] "ignored" "negative threshold"
              Expect.isFalse (PmemOptions.VariableNames |> Seq.exists (fun n -> n.StartsWith "PMEM_NET_")) "libpmem's list stays libpmem's"
              Expect.sequenceEqual PmemOptions.PmemVariableNames [ "PMEM_NET_COPY_THREADS"; "PMEM_NET_PARALLEL_THRESHOLD" ] "Pmem's own")

          testCase "one CPU means no split; the default is 2 threads from 4 MiB; 1 thread or the scalar routines never split" (fun () ->
              let resolve (o: PmemOptions) isa cpus = ResolvedConfig.ResolveParallel(o, isa, cpus)
              let struct (threads, limit, why) = resolve PmemOptions.Default CopyIsa.Avx 1
              (threads, limit) =! (1, UIntPtr.MaxValue)
              Expect.stringContains why "one CPU" "reason"
              let struct (threads, limit, _) = resolve PmemOptions.Default CopyIsa.Avx 8
              (threads, limit) =! (2, unativeint PmemOptions.DefaultParallelThreshold)
              let struct (threads, limit, _) = resolve (PmemOptions(CopyThreads = Nullable 1)) CopyIsa.Avx512F 8
              (threads, limit) =! (1, UIntPtr.MaxValue)
              let struct (threads, limit, why) = resolve (PmemOptions(CopyThreads = Nullable 3, ParallelThreshold = Nullable 100L)) CopyIsa.Sse2 1
              (threads, limit) =! (3, 100un)
              Expect.stringContains why "PMEM_NET_COPY_THREADS=3" "reason"
              let struct (threads, _, _) = resolve (PmemOptions(CopyThreads = Nullable 4)) CopyIsa.Generic 8
              threads =! 1)

          testCase "the report gives the thread count, the threshold and why" (fun () ->
              let report = PmemCapabilities.From(ResolvedConfig.Create(PmemOptions(CopyThreads = Nullable 3, ParallelThreshold = Nullable 65536L)))
              (report.CopyThreads, report.ParallelThreshold) =! (3, 65536L)
              Expect.stringContains (string report) "copy threads   3: PMEM_NET_COPY_THREADS=3; from 65536 bytes" "printed"
              let off = PmemCapabilities.From(ResolvedConfig.Create(PmemOptions(CopyThreads = Nullable 1)))
              (off.CopyThreads, off.ParallelThreshold) =! (1, Int64.MaxValue)) ]

let tests =
    testList "parallel copy" [ tinyPieceTests; partTests; moveTests; allocationTests; optionTests ]

/// Options that split every mapping copy from 64 KiB into 4 pieces, on pmem (forced) or not.
let private splitEverything (isPmem: bool) =
    PmemOptions(IsPmemForce = Nullable isPmem, CopyThreads = Nullable 4, ParallelThreshold = Nullable 65536L)

let private mappingTests =
    testList
        "mappings (process-wide options)"
        [ testCase "NoDrain copies, fills and moves, then one Drain (pmem) or their msync (not pmem): the file holds the model's bytes" (fun () ->
              for isPmem, dir in [ true, shmDir (); false, diskDir () ] do
                  use dir = dir
                  use _ = withOptions (splitEverything isPmem)
                  let length = 4 <<< 20
                  let model = Array.zeroCreate<byte> length
                  let path = dir.File "split"

                  do
                      use m = PmemFile.Map(path, int64 length, PmemFileFlags.Create, IO.UnixFileMode.UserRead ||| IO.UnixFileMode.UserWrite)
                      Expect.equal m.IsPmem isPmem "forced"
                      let data = randomBytes 41 (3 * 1024 * 1024 + 5)
                      m.Copy(17L, ReadOnlySpan data, PmemCopyFlags.NoDrain)
                      data.CopyTo(model, 17)
                      m.Fill(3L * 1024L * 1024L + 100L, 0xEEuy, 700000L, PmemCopyFlags.NoDrain)
                      Array.Fill(model, 0xEEuy, 3 * 1024 * 1024 + 100, 700000)
                      // Disjoint ranges within the mapping: split.
                      m.Move(2L * 1024L * 1024L + 3L, 9L, 1024L * 1024L, PmemCopyFlags.NoDrain)
                      Array.Copy(model, 9, model, 2 * 1024 * 1024 + 3, 1024 * 1024)
                      if isPmem then m.Drain()

                  Expect.isTrue (IO.File.ReadAllBytes(path).AsSpan().SequenceEqual(ReadOnlySpan model)) $"file bytes (pmem {isPmem})")

          testCase "split copies racing a Dispose return or throw ObjectDisposedException, never touch the unmapped range, never hang" (fun () ->
              use dir = shmDir ()
              use _ = withOptions (splitEverything true)
              let source = randomBytes 43 (1 <<< 20)

              for round in 1..10 do
                  let m = PmemFile.Map(dir.File $"race{round}", 4L <<< 20, PmemFileFlags.Create)
                  let failures = Collections.Concurrent.ConcurrentBag<exn>()

                  let worker (index: int) () =
                      let offset = int64 index * (2L <<< 20)
                      let mutable running = true

                      while running do
                          try
                              m.Copy(offset, ReadOnlySpan source, PmemCopyFlags.NoDrain)
                              m.Fill(offset + (1L <<< 20), byte index, 1L <<< 20)
                              m.Move(offset + (1L <<< 20), offset, 1L <<< 20)
                          with
                          | :? ObjectDisposedException -> running <- false
                          | e ->
                              failures.Add e
                              running <- false

                  let threads = [ for i in 0..1 -> Thread(worker i) ]
                  threads |> List.iter (fun t -> t.Start())
                  Thread.Sleep(2 + round)
                  m.Dispose()

                  for t in threads do
                      Expect.isTrue (t.Join(TimeSpan.FromMinutes 1.0)) "a copier finished after the Dispose"

                  Expect.isEmpty failures "only ObjectDisposedException may stop a copier")

          testCase "the simulator records a large copy as one serial copy under splitting options" (fun () ->
              let record () =
                  let sim = Simulation.PmemSimulator(1 <<< 20)
                  sim.Copy(64L, randomBytes 5 (512 * 1024), PmemCopyFlags.NoDrain)
                  sim.Fill(4096L, 7uy, 300000)
                  sim.Drain()
                  sim.Events |> Seq.map string |> List.ofSeq

              let serialEvents = (use _ = withOptions (PmemOptions(CopyThreads = Nullable 1)) in record ())
              let splitEvents = (use _ = withOptions (splitEverything true) in record ())
              Expect.equal splitEvents serialEvents "the same events")

          testCase "commits with large writes and fills under splitting options: the file holds the plan's bytes (pmem and msync)" (fun () ->
              for isPmem, dir in [ true, shmDir (); false, diskDir () ] do
                  use dir = dir
                  use _ = withOptions (splitEverything isPmem)
                  let data = randomBytes 53 (3 * 1024 * 1024 + 5)
                  let model = Array.zeroCreate<byte> (4 <<< 20)
                  data.CopyTo(model, 64)
                  Array.Fill(model, 0x3Cuy, 3 * 1024 * 1024 + 128, 900000)
                  let path = dir.File "commit"

                  do
                      use m = PmemFile.Map(path, int64 model.Length, PmemFileFlags.Create)
                      let plan = durable {
                          do! Durable.write 64L data
                          do! Durable.fill (3L * 1024L * 1024L + 128L) 900000L 0x3Cuy
                      }
                      Durable.commit m plan =! Ok()

                  Expect.isTrue (IO.File.ReadAllBytes(path).AsSpan().SequenceEqual(ReadOnlySpan model)) $"file bytes (pmem {isPmem})")

          testCase "a simulated commit of large writes records the same events under splitting options as serially" (fun () ->
              let data = randomBytes 59 (600 * 1024)
              let plan = durable {
                  do! Durable.write 4096L data
                  do! Durable.barrier
                  do! Durable.fill 700000L 300000L 9uy
              }
              let events () =
                  let run = Durable.simulate (Array.zeroCreate (1 <<< 20)) plan
                  run.Value =! Ok()
                  run.Simulator.Events |> Seq.map string |> List.ofSeq
              let serialEvents = (use _ = withOptions (PmemOptions(CopyThreads = Nullable 1)) in events ())
              let splitEvents = (use _ = withOptions (splitEverything true) in events ())
              Expect.isNonEmpty serialEvents "recorded"
              Expect.equal splitEvents serialEvents "the same events") ]

let private saturatedPoolTests =
    testList
        "thread pool"
        [ testCase "with every pool thread blocked, split copies still run on the workers and finish" (fun () ->
              let v = variant Avx Clwb
              let config = parallelConfig v 2 65536
              // Not disposed: queued items that start after the test still wait on it (and return at once).
              let gate = new ManualResetEventSlim(false)
              let blocked = ref 0
              let items = Environment.ProcessorCount * 8 + 8

              try
                  for _ in 1..items do
                      ThreadPool.UnsafeQueueUserWorkItem((fun _ ->
                          Interlocked.Increment blocked |> ignore
                          gate.Wait()), null)
                      |> ignore

                  let length = 1 <<< 20
                  use src = new NativeBuffer(length)
                  use dest = new NativeBuffer(length + 64)
                  (randomBytes 47 length).CopyTo src.Span
                  let mostWorkers = ref 0
                  let wrong = ref None

                  let copier =
                      Thread(fun () ->
                          for i in 0..199 do
                              let n = length - i % 64
                              dest.Span.Clear()
                              let run = CopyEngine.Memmove(config, dest.At(i % 64), src.Address, unativeint n, PmemCopyFlags.None)
                              mostWorkers.Value <- max mostWorkers.Value run.Workers

                              if not (dest.Span.Slice(i % 64, n).SequenceEqual(src.Span.Slice(0, n))) then
                                  wrong.Value <- Some i)

                  copier.Start()
                  Expect.isTrue (copier.Join(TimeSpan.FromMinutes 1.0)) "the copies finished while the pool was blocked"
                  Expect.isGreaterThan blocked.Value 0 "pool threads were blocked"
                  Expect.equal mostWorkers.Value 1 "a worker took a piece"
                  Expect.equal wrong.Value None "every copy equals its source"
              finally
                  gate.Set()) ]

/// Sequenced: the boundary and flag sweeps check that calls do split, which needs idle workers (tests running beside
/// them may hold every worker, and a call that finds none runs on its own thread, as it should).
let sequencedTests =
    testSequenced (testList "parallel copy (process-wide)" [ boundaryTests; flagTests; mappingTests; saturatedPoolTests ])
