using System;
using System.Threading;

namespace Pmem;

/// <summary>
/// Every decision that options, the CPU and the platform imply, taken once: which flush stub, whether flushes and
/// drains do anything, the copy path and threshold, and how mappings answer is-pmem. The fast paths read
/// <see cref="Current"/> with one load; <see cref="PmemOptions.Use"/> swaps it.
/// </summary>
internal sealed unsafe partial class ResolvedConfig
{
    private static ResolvedConfig? s_current;

    private ResolvedConfig(PmemOptions options)
    {
        Options = options;
        Cpu = options.SimulatedCpu ?? CpuInfo.Current;
        (AutoFlush, AutoFlushReason) = Pmem.AutoFlush.Detect(options.SysfsRoot);

        FlushInstruction best = Cpu.Clflush ? FlushInstruction.Clflush : FlushInstruction.None;
        if (Cpu.Clflushopt && !options.NoClflushopt)
        {
            best = FlushInstruction.Clflushopt;
        }

        if (Cpu.Clwb && !options.NoClwb)
        {
            best = FlushInstruction.Clwb;
        }

        PreferredInstruction = best;
        StubFailure = options.DisableFlushStubs ? "flush stubs disabled by a test override" : FlushStubs.Failure;
        if (StubFailure is null && best != FlushInstruction.None)
        {
            Instruction = best;
            FlushStub = FlushStubs.Get(best);
        }

        // PMEM2_FORCE_GRANULARITY replaces the eADR detection, as in pmem2: CACHE_LINE flushes even on an eADR platform.
        bool eadr = options.ForceGranularity is { } forced ? forced == PmemGranularity.Byte : AutoFlush == 1;
        FlushesCaches = Instruction != FlushInstruction.None && options.NoFlush switch
        {
            true => false,
            false => true,
            null => !eadr,
        };
        DrainFences = Instruction is FlushInstruction.Clwb or FlushInstruction.Clflushopt;

        Isa = ChooseIsa(options, Cpu);
        NtThreshold = (nuint)options.MovntThreshold;
        WcWorkaround = options.WcWorkaround ?? Cpu.IsGenuineIntel;
        ChooseMovdir64B();
        (CopyThreads, ParallelThreshold, ParallelReason) = ResolveParallel(options, Isa, Environment.ProcessorCount);
    }

    /// <summary>The configuration every Pmem call uses now.</summary>
    internal static ResolvedConfig Current
    {
        get => Volatile.Read(ref s_current) ?? Initialize();
        set => Volatile.Write(ref s_current, value);
    }

    internal PmemOptions Options { get; }

    internal CpuInfo Cpu { get; }

    /// <summary>1 eADR, 0 none, -1 detection failed (libpmem's <c>pmem_has_auto_flush</c>).</summary>
    internal int AutoFlush { get; }

    internal string AutoFlushReason { get; }

    /// <summary>What CPUID and the NO_* options select, whether or not a stub could be made for it.</summary>
    internal FlushInstruction PreferredInstruction { get; }

    /// <summary>The instruction the stubs execute; <see cref="FlushInstruction.None"/> means msync is used instead.</summary>
    internal FlushInstruction Instruction { get; }

    /// <summary>Why no flush stub exists, or <see langword="null"/>.</summary>
    internal string? StubFailure { get; }

    /// <summary>The emitted loop for <see cref="Instruction"/>; null when <see cref="Instruction"/> is None.</summary>
    internal delegate* unmanaged[SuppressGCTransition]<byte*, nuint, void> FlushStub { get; }

    /// <summary>Whether <c>Flush</c> issues instructions (false with eADR or <c>PMEM_NO_FLUSH=1</c>).</summary>
    internal bool FlushesCaches { get; }

    /// <summary>Whether <c>Drain</c> issues SFENCE (false when only CLFLUSH, which is self-ordered, or no stub).</summary>
    internal bool DrainFences { get; }

    /// <summary>True when persistence goes through CPU flushes; false when every flush falls back to msync.</summary>
    internal bool HasCpuFlush => Instruction != FlushInstruction.None;

    internal CopyIsa Isa { get; }

    internal nuint NtThreshold { get; }

    internal bool WcWorkaround { get; }

    /// <summary><c>PMEM_NO_GENERIC_MEMCPY</c>: when non-temporal stores are off, the copy engine copies with the runtime's memmove instead of 8-byte stores.</summary>
    internal bool NoGenericMemcpy => Options.NoGenericMemcpy;

    /// <summary>Where sysfs is read (the deep drain writes a region's <c>deep_flush</c> there); tests pass a fake tree.</summary>
    internal string SysfsRoot => Options.SysfsRoot;

    internal static ResolvedConfig Create(PmemOptions options) => new(options);

    /// <summary>The is-pmem answer for a mapping, and the sentence that explains it.</summary>
    internal (bool IsPmem, string Reason) ClassifyMapping(bool deviceDax, bool mapSync)
    {
        if (!HasCpuFlush)
        {
            return (false, $"no CPU flush is usable ({StubFailure ?? "the CPU has no CLFLUSH"}), so msync is used even if PMEM_IS_PMEM_FORCE says otherwise");
        }

        if (Options.IsPmemForce is bool forced)
        {
            return (forced, $"PMEM_IS_PMEM_FORCE={(forced ? 1 : 0)}");
        }

        if (Options.ForceGranularity is PmemGranularity g)
        {
            return (g != PmemGranularity.Page, $"PMEM2_FORCE_GRANULARITY={g}");
        }

        if (deviceDax)
        {
            return (true, "device DAX: stores reach the media through CPU flushes alone");
        }

        return mapSync
            ? (true, "the kernel accepted MAP_SYNC, so the file is on a DAX file system")
            : (false, "the kernel refused MAP_SYNC (not a DAX file system), so msync is used");
    }

    private static CopyIsa ChooseIsa(PmemOptions options, CpuInfo cpu)
    {
        if (options.NoMovnt || !cpu.Sse2)
        {
            return CopyIsa.Generic;
        }

        CopyIsa isa = CopyIsa.Sse2;
        if (cpu.Avx && options.Avx)
        {
            isa = CopyIsa.Avx;
        }

        if (cpu.Avx512F && options.Avx512F)
        {
            isa = CopyIsa.Avx512F;
        }

        return isa;
    }

    private static ResolvedConfig Initialize()
    {
        var created = new ResolvedConfig(PmemOptions.FromEnvironment);
        return Interlocked.CompareExchange(ref s_current, created, null) ?? created;
    }
}
