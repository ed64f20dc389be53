using System.Runtime.CompilerServices;

namespace Pmem;

/// <summary>
/// libpmem's choice of routine for one call (<c>pmem2_memmove_nodrain</c>, its <c>_eadr</c> twin, and
/// <c>pmem_init</c>'s generic/libc fallback), as a pure function of the flags, the length and the configuration.
/// </summary>
/// <remarks>
/// <para>In order, first match wins:</para>
/// <list type="number">
/// <item>Non-temporal stores off (<c>PMEM_NO_MOVNT=1</c>): the 8-byte generic routine, or the runtime's memmove
/// with <c>PMEM_NO_GENERIC_MEMCPY</c>; flushed unless <c>NoFlush</c>. Like libpmem these do not special-case a move
/// onto itself.</item>
/// <item>Length 0, or source equal to destination: nothing is stored.</item>
/// <item><c>NoFlush</c>: temporal stores, no flush.</item>
/// <item>No CPU flush usable: temporal stores, then msync (Pmem's fallback; libpmem has no such state).</item>
/// <item>Flushes off (eADR, <c>PMEM_NO_FLUSH=1</c>, <c>PMEM2_FORCE_GRANULARITY=BYTE</c>): non-temporal only for
/// <c>NonTemporal</c> (not for <c>WriteCombining</c>, as libpmem's <c>_eadr</c> routine and its <c>pmem2_mem_ext</c>
/// test have it), else temporal; no flush either way.</item>
/// <item><c>NonTemporal</c> or <c>WriteCombining</c>: non-temporal.</item>
/// <item><c>Temporal</c> or <c>WriteBack</c>: temporal + flush.</item>
/// <item>Shorter than the threshold (<c>PMEM_MOVNT_THRESHOLD</c>, default 256 bytes): temporal + flush; otherwise
/// non-temporal.</item>
/// </list>
/// <para>The threshold: below it a copy touches at most a few lines, and ordinary stores plus a flush of those lines
/// cost less than streaming stores, which bypass the cache, must drain the write-combining buffers, and leave the
/// next read of the data to miss. From about four lines up streaming wins: no read-for-ownership of the destination
/// and no per-line flush. 256 is libpmem's default; it is configurable because the crossover depends on the CPU.</para>
/// <para><c>NoDrain</c> plays no part here: it only decides whether the drain follows.</para>
/// </remarks>
internal static class CopyDecision
{
    /// <summary>The routine a copy of <paramref name="length"/> bytes runs.</summary>
    /// <param name="config">The configuration in force.</param>
    /// <param name="flags">The call's flags (already validated).</param>
    /// <param name="length">Bytes to copy or fill.</param>
    /// <param name="sameAddress">Whether source and destination are the same address (always false for a fill).</param>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static CopyPath Choose(ResolvedConfig config, PmemCopyFlags flags, nuint length, bool sameAddress)
    {
        bool noFlush = (flags & PmemCopyFlags.NoFlush) != 0;
        if (config.Isa == CopyIsa.Generic)
        {
            return length == 0
                ? CopyPath.None
                : config.NoGenericMemcpy
                    ? (noFlush ? CopyPath.RuntimeNoFlush : CopyPath.Runtime)
                    : (noFlush ? CopyPath.GenericNoFlush : CopyPath.Generic);
        }

        if (length == 0 || sameAddress)
        {
            return CopyPath.None;
        }

        if (noFlush)
        {
            return CopyPath.TemporalNoFlush;
        }

        if (!config.HasCpuFlush)
        {
            return CopyPath.TemporalMsync;
        }

        if (!config.FlushesCaches)
        {
            return (flags & PmemCopyFlags.NonTemporal) != 0 ? CopyPath.NonTemporalAutoFlush : CopyPath.TemporalAutoFlush;
        }

        if ((flags & (PmemCopyFlags.NonTemporal | PmemCopyFlags.WriteCombining)) != 0)
        {
            return CopyPath.NonTemporalFlush;
        }

        if ((flags & (PmemCopyFlags.Temporal | PmemCopyFlags.WriteBack)) != 0)
        {
            return CopyPath.TemporalFlush;
        }

        return length < config.NtThreshold ? CopyPath.TemporalFlush : CopyPath.NonTemporalFlush;
    }
}
