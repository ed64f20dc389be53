using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Runtime;
using System.Threading;

namespace Pmem.Bench;

/// <summary>
/// The loop methodology, the same for every implementation: calibrate the batch length, warm up, then time
/// <see cref="Rounds"/> batches each, round-robin (the starting implementation rotates every round), and keep
/// every batch's ns per operation.
/// </summary>
internal sealed class Measurer(int rounds, TimeSpan batchTarget)
{
    private const long MaxOpsPerBatch = 10_000_000;

    public int Rounds { get; } = rounds;

    public TimeSpan BatchTarget { get; } = batchTarget;

    /// <summary>
    /// Methods the JIT compiled on any thread while timed batches ran. After the warm-up these are the harness's own
    /// logging and statistics code being promoted in the background, not the measured loops; still, a background
    /// compilation takes CPU time that a 2-core machine may miss.
    /// </summary>
    public long JitCompilationsDuringTimedBatches { get; private set; }

    /// <summary>
    /// Calls every implementation of every operation kind 60 times on a small and a 1 MiB cell, and runs the
    /// measuring code itself on them, in passes with a pause after each, at least four and until a pass compiles no
    /// new method: the runtime starts counting calls only once no new method has been compiled for 100 ms, and
    /// promotes a method after 30 counted calls, so by the end the loops, the Pmem methods they call and this harness
    /// run optimised code (a fixed number of passes could leave a method compiled late at its instrumented tier-0
    /// code for the whole run). The results are thrown away.
    /// </summary>
    public static void WarmUpJit(Workspace workspace, Registry registry, IReadOnlyList<Operation> operations)
    {
        var warmUp = new Measurer(rounds: 3, batchTarget: TimeSpan.FromMilliseconds(0.2));
        long compiled = -1;
        for (int pass = 0; pass < 16 && (pass < 4 || JitInfo.GetCompiledMethodCount() != compiled); pass++)
        {
            compiled = JitInfo.GetCompiledMethodCount();
            foreach (Operation operation in operations)
            {
                foreach (long size in new[] { operation.Sizes[0], Math.Min(1L << 20, operation.Sizes[^1]) })
                {
                    IReadOnlyList<Registration> registrations = registry.For(operation.Kind, size);
                    Cell cell = workspace.CreateCell(operation, size);
                    foreach (Registration r in registrations)
                    {
                        for (int call = 0; call < 60; call++)
                        {
                            r.Run(cell, 1);
                        }
                    }

                    warmUp.Measure(cell, registrations, collect: false);
                    workspace.Finished(cell);
                }
            }

            Thread.Sleep(200);
        }
    }

    public IReadOnlyList<Measurement> Measure(Cell cell, IReadOnlyList<Registration> registrations, bool collect = true)
    {
        if (collect)
        {
            GC.Collect();
            GC.WaitForPendingFinalizers();
        }

        int count = registrations.Count;
        var opsPerBatch = new long[count];
        for (int k = 0; k < count; k++)
        {
            opsPerBatch[k] = Calibrate(registrations[k], cell);
        }

        var samples = new List<double>[count];
        var allocated = new long[count];
        for (int k = 0; k < count; k++)
        {
            samples[k] = new List<double>(Rounds);
        }

        for (int round = 0; round < Rounds; round++)
        {
            for (int j = 0; j < count; j++)
            {
                int k = (round + j) % count;
                long before = GC.GetAllocatedBytesForCurrentThread();
                long jitBefore = JitInfo.GetCompiledMethodCount();
                double seconds = Time(registrations[k], cell, opsPerBatch[k]);
                JitCompilationsDuringTimedBatches += JitInfo.GetCompiledMethodCount() - jitBefore;
                allocated[k] += GC.GetAllocatedBytesForCurrentThread() - before;
                samples[k].Add(seconds * 1e9 / opsPerBatch[k]);
            }
        }

        var results = new List<Measurement>(count);
        for (int k = 0; k < count; k++)
        {
            Registration r = registrations[k];
            results.Add(new Measurement(
                cell.Operation.Name,
                (long)cell.Size,
                r.Implementation,
                r.Role,
                samples[k],
                opsPerBatch[k],
                (double)allocated[k] / (Rounds * opsPerBatch[k])));
        }

        return results;
    }

    /// <summary>Picks the batch length that takes about <see cref="BatchTarget"/>; the batches it runs are the warm-up.</summary>
    /// <remarks>
    /// The first operation of a cell may be the first call of a code path the JIT warm-up did not reach (the warm-up
    /// runs two sizes; a copy engine's block or tail for another size is compiled on its first call, which takes
    /// milliseconds). Timing that call alone once made a 1 KiB batch one operation long, and the cell then measured
    /// the batch call's own overhead (3 µs instead of 0.3 µs). So the single operation is timed twice and only the
    /// second timing counts.
    /// </remarks>
    private long Calibrate(Registration registration, Cell cell)
    {
        long n = 1;
        Time(registration, cell, n);
        double seconds = Time(registration, cell, n);
        if (seconds >= BatchTarget.TotalSeconds)
        {
            return n;
        }

        for (int step = 0; step < 3; step++)
        {
            double perOp = Math.Max(seconds / n, 1e-10);
            n = Math.Clamp((long)(BatchTarget.TotalSeconds / perOp), 1, MaxOpsPerBatch);
            seconds = Time(registration, cell, n);
        }

        return n;
    }

    private static double Time(Registration registration, Cell cell, long n)
    {
        long start = Stopwatch.GetTimestamp();
        registration.Run(cell, n);
        long end = Stopwatch.GetTimestamp();
        return (double)(end - start) / Stopwatch.Frequency;
    }
}
