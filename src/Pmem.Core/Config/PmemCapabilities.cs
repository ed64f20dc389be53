using System;
using System.Collections.Generic;
using System.Text;

namespace Pmem;

/// <summary>
/// What Pmem chose on this machine and why: the flush instruction, the fence, the copy path and its
/// non-temporal threshold, eADR, and every libpmem environment variable it saw. <see cref="ToString"/> prints a
/// readable report.
/// </summary>
/// <param name="CpuVendor">The CPUID vendor string.</param>
/// <param name="Flush">The cache-line flush instruction in use.</param>
/// <param name="FlushReason">Why that instruction.</param>
/// <param name="FlushesCaches">Whether flush calls issue instructions (false with eADR or <c>PMEM_NO_FLUSH=1</c>).</param>
/// <param name="FlushesCachesReason">Why flushes are on or off.</param>
/// <param name="Fence">What a drain executes: <c>SFENCE</c> or nothing.</param>
/// <param name="FenceReason">Why.</param>
/// <param name="CopyIsa">The vector path for non-temporal copies and fills.</param>
/// <param name="CopyIsaReason">Why that path.</param>
/// <param name="NonTemporalThreshold">Copies of at least this many bytes use non-temporal stores (unless flags say otherwise).</param>
/// <param name="NonTemporalThresholdReason">Where the threshold comes from.</param>
/// <param name="WcWorkaround">Whether non-temporal copies fence every 12 lines (write-combining buffer limit).</param>
/// <param name="AutoFlush">1 eADR, 0 none, -1 unknown (libpmem's <c>pmem_has_auto_flush</c>).</param>
/// <param name="AutoFlushReason">What sysfs said.</param>
/// <param name="IsPmemPolicy">How mappings decide is-pmem.</param>
/// <param name="EnvironmentNotes">Every libpmem variable seen and how it was read.</param>
public sealed partial record PmemCapabilities(
    string CpuVendor,
    FlushInstruction Flush,
    string FlushReason,
    bool FlushesCaches,
    string FlushesCachesReason,
    string Fence,
    string FenceReason,
    CopyIsa CopyIsa,
    string CopyIsaReason,
    long NonTemporalThreshold,
    string NonTemporalThresholdReason,
    bool WcWorkaround,
    int AutoFlush,
    string AutoFlushReason,
    string IsPmemPolicy,
    IReadOnlyList<string> EnvironmentNotes)
{
    /// <summary>Threads (the calling one included) that share one large copy or fill; 1 when copies never split (Pmem only, not libpmem).</summary>
    public int CopyThreads { get; init; } = 1;

    /// <summary>Copies and fills of at least this many bytes are split across <see cref="CopyThreads"/>; <see cref="long.MaxValue"/> when they never are.</summary>
    public long ParallelThreshold { get; init; } = long.MaxValue;

    /// <summary>Why <see cref="CopyThreads"/> and <see cref="ParallelThreshold"/> have their values.</summary>
    public string ParallelReason { get; init; } = "";

    /// <summary>Whether non-temporal copies and fills write their whole lines with MOVDIR64B (<c>PMEM_MOVDIR64B</c>).</summary>
    public bool Movdir64B { get; init; }

    /// <summary>Why <see cref="Movdir64B"/> is on or off.</summary>
    public string Movdir64BReason { get; init; } = "";

    /// <summary>The report for the options in force (<see cref="PmemOptions.Current"/>).</summary>
    public static PmemCapabilities Current => From(ResolvedConfig.Current);

    internal static PmemCapabilities From(ResolvedConfig c)
    {
        PmemOptions o = c.Options;
        CpuInfo cpu = c.Cpu;

        string flushReason = c.Instruction switch
        {
            FlushInstruction.Clwb => "CPUID leaf 7 EBX bit 24; not disabled by PMEM_NO_CLWB",
            FlushInstruction.Clflushopt => "CPUID leaf 7 EBX bit 23; " + (cpu.Clwb ? "CLWB disabled by PMEM_NO_CLWB=1" : "no CLWB on this CPU"),
            FlushInstruction.Clflush => "CPUID leaf 1 EDX bit 19; " + Unused(cpu),
            _ => c.StubFailure is { } failure
                ? $"{failure}; every flush falls back to msync"
                : "the CPU reports no CLFLUSH; every flush falls back to msync",
        };

        string flushesReason = (c.HasCpuFlush, o.NoFlush, c.AutoFlush == 1, o.ForceGranularity) switch
        {
            (false, _, _, _) => "no CPU flush instruction is usable; msync makes ranges durable",
            (_, true, _, _) => "PMEM_NO_FLUSH=1: flushes are skipped (deep flushes still flush)",
            (_, false, _, _) => "PMEM_NO_FLUSH=0: flushes are issued even if eADR is present",
            (_, null, _, PmemGranularity.Byte) => "PMEM2_FORCE_GRANULARITY=BYTE: treated as eADR",
            (_, null, true, PmemGranularity forcedGranularity) => $"PMEM2_FORCE_GRANULARITY={forcedGranularity}: cache lines are flushed although the platform has eADR",
            (_, null, true, _) => "eADR: the platform flushes CPU caches on power failure",
            _ => "no eADR: cache lines must be flushed to reach persistence",
        };

        (string fence, string fenceReason) = c.Instruction switch
        {
            FlushInstruction.Clwb or FlushInstruction.Clflushopt => ("SFENCE", $"{c.Instruction} is weakly ordered; SFENCE waits for it and for non-temporal stores"),
            FlushInstruction.Clflush => ("none", "CLFLUSH is ordered by itself, so a drain has nothing to wait for"),
            _ => ("none", "msync is synchronous"),
        };

        string isaReason = c.Isa switch
        {
            CopyIsa.Avx512F => "Avx512F.IsSupported; not disabled by PMEM_AVX512F",
            CopyIsa.Avx => "Vector256 is hardware accelerated; " + (cpu.Avx512F ? "AVX-512F disabled by PMEM_AVX512F=0" : "no AVX-512F"),
            CopyIsa.Sse2 => "SSE2; " + (cpu.Avx && !o.Avx ? "AVX disabled by PMEM_AVX=0" : "no wider vectors") + (cpu.Avx512F && !o.Avx512F ? ", AVX-512F disabled by PMEM_AVX512F=0" : ""),
            _ => o.NoMovnt ? "PMEM_NO_MOVNT=1: no non-temporal stores" + (o.NoGenericMemcpy ? ", PMEM_NO_GENERIC_MEMCPY: runtime memmove" : ", 8-byte stores then flushes") : "no SSE2",
        };

        string thresholdReason = o.MovntThreshold == PmemOptions.DefaultMovntThreshold
            ? "libpmem's default"
            : "set by PMEM_MOVNT_THRESHOLD";

        string isPmemPolicy = !c.HasCpuFlush
            ? "never (no CPU flush is usable)"
            : o.IsPmemForce is bool forced
                ? $"always {forced} (PMEM_IS_PMEM_FORCE={(forced ? 1 : 0)})"
                : o.ForceGranularity is PmemGranularity g
                    ? $"{(g == PmemGranularity.Page ? "never" : "always")} (PMEM2_FORCE_GRANULARITY={g})"
                    : "true for MAP_SYNC and device-DAX mappings, false otherwise";

        return new PmemCapabilities(
            cpu.Vendor,
            c.Instruction,
            flushReason,
            c.FlushesCaches,
            flushesReason,
            fence,
            fenceReason,
            c.Isa,
            isaReason,
            o.MovntThreshold,
            thresholdReason,
            c.WcWorkaround,
            c.AutoFlush,
            c.AutoFlushReason,
            isPmemPolicy,
            o.Notes)
        {
            CopyThreads = c.CopyThreads,
            ParallelThreshold = c.ParallelThreshold == nuint.MaxValue ? long.MaxValue : (long)c.ParallelThreshold,
            ParallelReason = c.ParallelReason,
            Movdir64B = c.UsesMovdir64B,
            Movdir64BReason = c.Movdir64BReason,
        };
    }

    private static string Unused(CpuInfo cpu) =>
        (cpu.Clwb, cpu.Clflushopt) switch
        {
            (false, false) => "no CLWB or CLFLUSHOPT on this CPU",
            _ => "CLWB/CLFLUSHOPT disabled by PMEM_NO_CLWB=1 and PMEM_NO_CLFLUSHOPT=1",
        };

    /// <summary>A multi-line, human-readable report.</summary>
    /// <returns>The report.</returns>
    public override string ToString()
    {
        var sb = new StringBuilder();
        sb.AppendLine("Pmem capabilities");
        sb.AppendLine($"  CPU            {CpuVendor}");
        sb.AppendLine($"  flush          {Flush}: {FlushReason}");
        sb.AppendLine($"  flushes issued {(FlushesCaches ? "yes" : "no")}: {FlushesCachesReason}");
        sb.AppendLine($"  drain          {Fence}: {FenceReason}");
        sb.AppendLine($"  copy path      {CopyIsa}: {CopyIsaReason}");
        sb.AppendLine($"  NT threshold   {NonTemporalThreshold} B: {NonTemporalThresholdReason}");
        sb.AppendLine($"  WC workaround  {(WcWorkaround ? "on" : "off")}");
        sb.AppendLine($"  MOVDIR64B      {(Movdir64B ? "on" : "off")}: {Movdir64BReason}");
        sb.AppendLine(CopyThreads == 1
            ? $"  copy threads   1: {ParallelReason}"
            : $"  copy threads   {CopyThreads}: {ParallelReason}");
        sb.AppendLine($"  auto-flush     {AutoFlush}: {AutoFlushReason}");
        sb.AppendLine($"  is-pmem        {IsPmemPolicy}");
        if (EnvironmentNotes.Count == 0)
        {
            sb.AppendLine("  environment    no libpmem variables set");
        }
        else
        {
            foreach (string note in EnvironmentNotes)
            {
                sb.AppendLine($"  environment    {note}");
            }
        }

        return sb.ToString();
    }
}
