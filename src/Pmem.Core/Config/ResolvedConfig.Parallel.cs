using System;

namespace Pmem;

internal sealed partial class ResolvedConfig
{
    /// <summary>The most threads one copy is split across (<see cref="PmemOptions.MaxCopyThreads"/>).</summary>
    internal const int MaxCopyThreads = PmemOptions.MaxCopyThreads;

    /// <summary>Threads, the calling one included, that share one copy or fill from <see cref="ParallelThreshold"/> up (1 = never split).</summary>
    internal int CopyThreads { get; }

    /// <summary>Copies and fills of at least this many bytes are split; <see cref="nuint.MaxValue"/> when <see cref="CopyThreads"/> is 1.</summary>
    /// <remarks>One compare against it is all a copy below the threshold pays for the parallel engine.</remarks>
    internal nuint ParallelThreshold { get; }

    /// <summary>Why <see cref="CopyThreads"/> and <see cref="ParallelThreshold"/> have their values.</summary>
    internal string ParallelReason { get; }

    /// <summary>The thread count and threshold the options, the copy width and the CPU count give, and why.</summary>
    /// <param name="options">The options (<see cref="PmemOptions.CopyThreads"/>, <see cref="PmemOptions.ParallelThreshold"/>).</param>
    /// <param name="isa">The copy width; the scalar routines are never split.</param>
    /// <param name="cpus">CPUs the process may run on (<see cref="Environment.ProcessorCount"/>; tests pass others).</param>
    internal static (int Threads, nuint Threshold, string Reason) ResolveParallel(PmemOptions options, CopyIsa isa, int cpus)
    {
        if (isa == CopyIsa.Generic)
        {
            return (1, nuint.MaxValue, "the scalar routines (PMEM_NO_MOVNT=1) always run on the calling thread");
        }

        int threads;
        string why;
        if (options.CopyThreads is int forced)
        {
            threads = Math.Clamp(forced, 1, PmemOptions.MaxCopyThreads);
            why = $"PMEM_NET_COPY_THREADS={threads}";
        }
        else if (cpus < 2)
        {
            threads = 1;
            why = "the process may run on one CPU only, so a split would only add a thread switch";
        }
        else
        {
            threads = 2;
            why = $"2 of {cpus} CPUs: two streams of non-temporal stores carried 1.4-1.9x the bytes of one on an idle 2-vCPU Zen 5 guest (C, docs/parallel-copy.md); more threads were not measured";
        }

        if (threads == 1)
        {
            return (1, nuint.MaxValue, why);
        }

        long threshold = options.ParallelThreshold ?? PmemOptions.DefaultParallelThreshold;
        string thresholdWhy = options.ParallelThreshold is null
            ? "Pmem's default: at 1 MiB a split copy took 1.07x the serial time (docs/parallel-copy.md)"
            : "set by PMEM_NET_PARALLEL_THRESHOLD";
        return (threads, (nuint)threshold, $"{why}; from {threshold} bytes: {thresholdWhy}");
    }
}
