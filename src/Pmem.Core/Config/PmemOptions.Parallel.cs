using System;
using System.Collections.Generic;

namespace Pmem;

public sealed partial record PmemOptions
{
    /// <summary>The most threads one copy or fill is split across (<see cref="CopyThreads"/> is clamped to it).</summary>
    public const int MaxCopyThreads = 64;

    /// <summary>Pmem's default <see cref="ParallelThreshold"/> in bytes (4 MiB), measured on the reference machine.</summary>
    /// <remarks>
    /// Below it a second thread does not pay for its wake-up and join: on the 2-vCPU Zen 5 guest a 1 MiB
    /// non-temporal copy takes about 35 µs, and split in two it took 1.07× the serial time (docs/parallel-copy.md).
    /// From 16 MiB up two streams of non-temporal stores carried 1.4-1.9× the bytes of one on the idle machine (C).
    /// </remarks>
    public const long DefaultParallelThreshold = 4L * 1024 * 1024;

    /// <summary>The Pmem-only variables (not libpmem's) that <see cref="Parse(Func{string, string?})"/> reads.</summary>
    public static IReadOnlyList<string> PmemVariableNames { get; } = ["PMEM_NET_COPY_THREADS", "PMEM_NET_PARALLEL_THRESHOLD"];

    /// <summary>
    /// <c>PMEM_NET_COPY_THREADS</c> (Pmem only, libpmem never splits a copy): how many threads, the calling thread
    /// included, share one copy or fill of at least <see cref="ParallelThreshold"/> bytes; 1 turns splitting off;
    /// <see langword="null"/> lets Pmem choose (2 when the process may run on two or more CPUs, else 1).
    /// </summary>
    /// <remarks>Values above <see cref="MaxCopyThreads"/> are clamped to it; values below 1 mean 1.</remarks>
    public int? CopyThreads { get; init; }

    /// <summary>
    /// <c>PMEM_NET_PARALLEL_THRESHOLD</c> (Pmem only): copies and fills of at least this many bytes are split across
    /// <see cref="CopyThreads"/> threads; <see langword="null"/> means <see cref="DefaultParallelThreshold"/>.
    /// </summary>
    public long? ParallelThreshold { get; init; }

    /// <summary>Reads the Pmem-only variables into <paramref name="options"/>, noting each one seen.</summary>
    private static PmemOptions ParseParallel(Func<string, string?> getVariable, PmemOptions options, List<string> notes)
    {
        if (getVariable("PMEM_NET_COPY_THREADS") is { } threads)
        {
            long v = CNumberParsing.AtoLL(threads);
            if (v < 1)
            {
                notes.Add($"PMEM_NET_COPY_THREADS=\"{threads}\": reads {v}, not a thread count (at least 1), ignored");
            }
            else
            {
                int count = (int)Math.Min(v, MaxCopyThreads);
                options = options with { CopyThreads = count };
                notes.Add($"PMEM_NET_COPY_THREADS=\"{threads}\": " + (count == 1
                    ? "copies and fills run on the calling thread only"
                    : $"large copies and fills are split across {count} threads"));
            }
        }

        if (getVariable("PMEM_NET_PARALLEL_THRESHOLD") is { } threshold)
        {
            long v = CNumberParsing.AtoLL(threshold);
            if (v < 0)
            {
                notes.Add($"PMEM_NET_PARALLEL_THRESHOLD=\"{threshold}\": reads {v}, negative values are ignored");
            }
            else
            {
                options = options with { ParallelThreshold = v };
                notes.Add($"PMEM_NET_PARALLEL_THRESHOLD=\"{threshold}\": copies and fills from {v} bytes are split");
            }
        }

        return options;
    }
}
