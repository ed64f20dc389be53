using System;
using System.Collections.Generic;
using System.Threading;

namespace Pmem;

/// <summary>
/// libpmem's environment variables as a typed, immutable object. <see cref="Current"/> is read from the process
/// environment once; <see cref="Use"/> runs code under explicit options without touching the environment.
/// </summary>
/// <remarks>
/// Values follow libpmem's own parsing exactly: the <c>PMEM_NO_*</c> switches are enabled only by the string
/// <c>"1"</c> (<c>true</c> or <c>yes</c> do nothing), <c>PMEM_IS_PMEM_FORCE</c> goes through <c>atoi</c> (so any
/// non-number forces <em>false</em>), <c>PMEM_MOVNT_THRESHOLD</c> through <c>atoll</c> with negatives ignored,
/// <c>PMEM_MMAP_HINT</c> through <c>strtoull(…, 16)</c>. <see cref="Notes"/> records how each variable seen was read.
/// </remarks>
public sealed partial record PmemOptions
{
    /// <summary>libpmem's default non-temporal threshold in bytes.</summary>
    /// <remarks>Copies of this many bytes or more use non-temporal stores unless flags say otherwise.</remarks>
    public const long DefaultMovntThreshold = 256;

    private static PmemOptions? s_fromEnvironment;
    private static readonly Lock s_useLock = new();

    /// <summary><c>PMEM_IS_PMEM_FORCE</c>: <see langword="true"/> (1) or <see langword="false"/> (0) forces every is-pmem answer; <see langword="null"/> detects.</summary>
    public bool? IsPmemForce { get; init; }

    /// <summary><c>PMEM_NO_CLWB=1</c>: never use CLWB.</summary>
    public bool NoClwb { get; init; }

    /// <summary><c>PMEM_NO_CLFLUSHOPT=1</c>: never use CLFLUSHOPT.</summary>
    public bool NoClflushopt { get; init; }

    /// <summary><c>PMEM_NO_FLUSH</c>: <see langword="true"/> (1) skips cache flushes (deep flushes still flush); <see langword="false"/> (0) flushes even with eADR; <see langword="null"/> decides from eADR detection.</summary>
    public bool? NoFlush { get; init; }

    /// <summary><c>PMEM_NO_MOVNT=1</c>: never use non-temporal stores; copies use 8-byte stores and flushes.</summary>
    public bool NoMovnt { get; init; }

    /// <summary><c>PMEM_MOVNT_THRESHOLD</c>: copies of at least this many bytes use non-temporal stores (0 = always).</summary>
    public long MovntThreshold { get; init; } = DefaultMovntThreshold;

    /// <summary><c>PMEM_AVX=0</c> sets this to <see langword="false"/>: no 256-bit copy path.</summary>
    public bool Avx { get; init; } = true;

    /// <summary><c>PMEM_AVX512F=0</c> sets this to <see langword="false"/>: no 512-bit copy path.</summary>
    public bool Avx512F { get; init; } = true;

    /// <summary><c>PMEM_MOVDIR64B</c> (any value but 0): on a CPU that reports MOVDIR64B, non-temporal copies and fills write their whole 64-byte lines with MOVDIR64B (libpmem's variant); off by default, as in libpmem.</summary>
    /// <remarks>Durability is unchanged: what a copy or fill makes durable on return (or at the next drain with <see cref="PmemCopyFlags.NoDrain"/>) is the same with or without it.</remarks>
    public bool Movdir64B { get; init; }

    /// <summary><c>PMEM_WC_WORKAROUND</c>: 1/0 forces the write-combining fence every 12 lines of a non-temporal copy on or off; <see langword="null"/> means on for GenuineIntel CPUs.</summary>
    public bool? WcWorkaround { get; init; }

    /// <summary><c>PMEM_NO_GENERIC_MEMCPY</c> (atoll ≠ 0): when non-temporal stores are off, copy with the runtime's memmove instead of 8-byte stores.</summary>
    public bool NoGenericMemcpy { get; init; }

    /// <summary><c>PMEM_MMAP_HINT</c>: the address Pmem asks the kernel to map at; <see langword="null"/> lets the kernel choose.</summary>
    public nint? MmapHint { get; init; }

    /// <summary><c>PMEM2_FORCE_GRANULARITY</c>: skips detection and treats every mapping as having this store granularity.</summary>
    public PmemGranularity? ForceGranularity { get; init; }

    /// <summary>
    /// Each libpmem variable seen (name, value as given) with how it was read, e.g.
    /// <c>PMEM_NO_CLWB="true": ignored, only "1" enables it</c>. Empty for options built in code.
    /// </summary>
    public IReadOnlyList<string> Notes { get; init; } = Array.Empty<string>();

    /// <summary>Test hook: make the flush stubs unavailable, as on a kernel that refuses executable pages.</summary>
    internal bool DisableFlushStubs { get; init; }

    /// <summary>Test hook: a processor description to use instead of CPUID.</summary>
    internal CpuInfo? SimulatedCpu { get; init; }

    /// <summary>Test hook: the directory that stands for <c>/sys</c>.</summary>
    internal string SysfsRoot { get; init; } = "/sys";

    /// <summary>Options with every variable at libpmem's default (as if the environment were empty).</summary>
    public static PmemOptions Default { get; } = new();

    /// <summary>
    /// The options in force: those read from the process environment at first use, or the ones passed to
    /// <see cref="Use"/> while its scope is open.
    /// </summary>
    public static PmemOptions Current => ResolvedConfig.Current.Options;

    /// <summary>The options the process environment gives, read once (later changes to the environment are not seen).</summary>
    public static PmemOptions FromEnvironment => s_fromEnvironment ??= Parse(Environment.GetEnvironmentVariable);

    /// <summary>
    /// Makes <paramref name="options"/> the options in force for the whole process until the returned scope is
    /// disposed, then restores the previous ones. Meant for tests and tools; scopes must be disposed in reverse order.
    /// </summary>
    /// <remarks>
    /// Changes which flush instruction, copy path and threshold every later call uses, and how later mappings
    /// answer is-pmem. Stores already flushed and drained stay durable; mappings already made keep their
    /// is-pmem answer.
    /// </remarks>
    /// <param name="options">The options to apply.</param>
    /// <returns>A scope whose disposal restores the previous options.</returns>
    public static IDisposable Use(PmemOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        lock (s_useLock)
        {
            ResolvedConfig previous = ResolvedConfig.Current;
            ResolvedConfig.Current = ResolvedConfig.Create(options);
            return new Scope(previous);
        }
    }

    private sealed class Scope(ResolvedConfig previous) : IDisposable
    {
        private int _disposed;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _disposed, 1) == 0)
            {
                lock (s_useLock)
                {
                    ResolvedConfig.Current = previous;
                }
            }
        }
    }
}
