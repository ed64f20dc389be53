using System;

namespace Pmem;

/// <summary>
/// libpmem's C interface, one method per function, on raw addresses: ports of C code map line by line
/// (<c>pmem_persist</c> → <see cref="Persist"/>, <c>pmem_memcpy_persist</c> → <see cref="MemcpyPersist"/>, …).
/// </summary>
/// <remarks>
/// Addresses are not checked: they must lie in memory the caller owns, as in C. For checked, offset-based access
/// use <see cref="PmemMapping"/>. The flush instruction, copy path and thresholds come from
/// <see cref="PmemOptions.Current"/>.
/// </remarks>
public static unsafe partial class PersistentMemory
{
    /// <summary>The libpmem API major version Pmem implements (<c>PMEM_MAJOR_VERSION</c>).</summary>
    public const int MajorVersion = 1;

    /// <summary>The libpmem API minor version Pmem implements (<c>PMEM_MINOR_VERSION</c>).</summary>
    public const int MinorVersion = 1;

    /// <summary>
    /// Flushes the CPU cache lines that hold <c>[addr, addr + length)</c> (<c>pmem_flush</c>): CLWB, else CLFLUSHOPT,
    /// else CLFLUSH, by 64-byte lines, no alignment needed.
    /// </summary>
    /// <remarks>
    /// Nothing is guaranteed durable until a <see cref="Drain"/> follows. A no-op with eADR or
    /// <c>PMEM_NO_FLUSH=1</c>. When no flush instruction can be used (the stub page could not be made executable)
    /// the range is msync'd instead, which is durable on return.
    /// </remarks>
    /// <param name="addr">Start of the range.</param>
    /// <param name="length">Length in bytes; 0 does nothing.</param>
    public static void Flush(void* addr, nuint length) => FlushEngine.Flush(ResolvedConfig.Current, (byte*)addr, length);

    /// <summary>Waits until earlier flushes and non-temporal stores have completed (<c>pmem_drain</c>: SFENCE).</summary>
    /// <remarks>After it returns, every range flushed before the call by this thread is durable.
    /// With CLFLUSH only, flushes are already ordered and this does nothing.</remarks>
    public static void Drain() => FlushEngine.Drain(ResolvedConfig.Current);

    /// <summary>Flush then drain (<c>pmem_persist</c>): <c>[addr, addr + length)</c> is durable on return.</summary>
    /// <remarks>Correct only for memory where <see cref="IsPmem"/> is true; for other mappings use <see cref="Msync"/>.
    /// Not atomic: a crash during the call may persist any subset of the range's lines.</remarks>
    /// <param name="addr">Start of the range.</param>
    /// <param name="length">Length in bytes.</param>
    public static void Persist(void* addr, nuint length) => FlushEngine.Persist(ResolvedConfig.Current, (byte*)addr, length);

    /// <summary>
    /// msync(MS_SYNC) of the pages that hold <c>[addr, addr + length)</c> (<c>pmem_msync</c>): the start is rounded
    /// down to a page boundary, EINTR is retried.
    /// </summary>
    /// <remarks>On return the range is durable on any file-backed shared mapping. Has no effect on device DAX.</remarks>
    /// <param name="addr">Start of the range.</param>
    /// <param name="length">Length in bytes.</param>
    /// <exception cref="PmemException">msync failed, e.g. ENOMEM when the range is not mapped.</exception>
    public static void Msync(void* addr, nuint length) => PageFlush.Sync(addr, length);

    /// <summary>
    /// True when the whole range lies in mappings Pmem made that are persistent memory (MAP_SYNC or device DAX),
    /// or as <c>PMEM_IS_PMEM_FORCE</c> dictates (<c>pmem_is_pmem</c>). Length 0 gives false.
    /// </summary>
    /// <remarks>Walks the registered ranges: call once per mapping and keep the answer.</remarks>
    /// <param name="addr">Start of the range.</param>
    /// <param name="length">Length in bytes.</param>
    /// <returns>Whether flush and drain alone make stores to the range durable.</returns>
    public static bool IsPmem(void* addr, nuint length)
    {
        if (length == 0)
        {
            return false;
        }

        ResolvedConfig config = ResolvedConfig.Current;
        if (!config.HasCpuFlush)
        {
            return false;
        }

        if (config.Options.IsPmemForce is bool forced)
        {
            return forced;
        }

        return PmemRangeRegistry.Covers((nuint)addr, length);
    }

    /// <summary>Flushes like <see cref="Flush"/> but always, ignoring eADR and <c>PMEM_NO_FLUSH</c> (<c>pmem_deep_flush</c>).</summary>
    /// <remarks>Nothing is durable until <see cref="DeepDrain"/> or <see cref="Drain"/> follows.</remarks>
    /// <param name="addr">Start of the range.</param>
    /// <param name="length">Length in bytes.</param>
    public static void DeepFlush(void* addr, nuint length) => FlushEngine.DeepFlush(ResolvedConfig.Current, (byte*)addr, length);

    /// <summary>
    /// Drains to the most reliable persistence domain (<c>pmem_deep_drain</c>): device-DAX parts are fenced and their
    /// region's <c>deep_flush</c> is triggered; other parts are msync'd.
    /// </summary>
    /// <remarks>On return, flushed data in the range survives even a failure of ADR.</remarks>
    /// <param name="addr">Start of the range.</param>
    /// <param name="length">Length in bytes; 0 does nothing.</param>
    /// <exception cref="PmemException">The sysfs write or msync failed; the errno says why.</exception>
    public static void DeepDrain(void* addr, nuint length) => DeepDrainEngine.Drain(ResolvedConfig.Current, (byte*)addr, length);

    /// <summary><see cref="DeepFlush"/> then <see cref="DeepDrain"/> (<c>pmem_deep_persist</c>).</summary>
    /// <remarks>On return the range is durable in the most reliable domain the platform offers.</remarks>
    /// <param name="addr">Start of the range.</param>
    /// <param name="length">Length in bytes.</param>
    /// <exception cref="PmemException">The sysfs write or msync failed.</exception>
    public static void DeepPersist(void* addr, nuint length)
    {
        ResolvedConfig config = ResolvedConfig.Current;
        FlushEngine.DeepFlush(config, (byte*)addr, length);
        DeepDrainEngine.Drain(config, (byte*)addr, length);
    }

    /// <summary>
    /// 1 when the platform flushes CPU caches on power failure (eADR: every nd region's persistence domain is
    /// <c>cpu_cache</c>), 0 when not or when there are no regions, -1 when sysfs could not be read
    /// (<c>pmem_has_auto_flush</c>).
    /// </summary>
    /// <returns>1, 0 or -1.</returns>
    public static int HasAutoFlush() => ResolvedConfig.Current.AutoFlush;

    /// <summary>Always false, as in libpmem: no x86-64 platform drains in hardware (<c>pmem_has_hw_drain</c>).</summary>
    /// <returns><see langword="false"/>.</returns>
    public static bool HasHardwareDrain() => false;

    /// <summary>Checks that this library provides the libpmem API version the caller was written for (<c>pmem_check_version</c>).</summary>
    /// <param name="majorRequired">Must equal <see cref="MajorVersion"/>.</param>
    /// <param name="minorRequired">Must be at most <see cref="MinorVersion"/>.</param>
    /// <returns><see langword="null"/> when compatible, otherwise a sentence saying why not.</returns>
    public static string? CheckVersion(int majorRequired, int minorRequired)
    {
        if (majorRequired != MajorVersion)
        {
            return $"libpmem major version mismatch (need {majorRequired}, found {MajorVersion})";
        }

        if (minorRequired > MinorVersion)
        {
            return $"libpmem minor version mismatch (need {minorRequired}, found {MinorVersion})";
        }

        return null;
    }
}
