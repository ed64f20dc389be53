using System;

namespace Pmem;

/// <summary>
/// How a persistent copy or fill is performed; libpmem's <c>PMEM_F_MEM_*</c> values. Combine with <c>|</c>.
/// </summary>
[Flags]
public enum PmemCopyFlags
{
    /// <summary>Copy, flush, and drain: the bytes are durable when the call returns.</summary>
    None = 0,

    /// <summary>Skip the final drain: the bytes are durable only after a later <c>Drain</c>.</summary>
    /// <remarks>
    /// A copy or fill split across threads (<see cref="PmemOptions.CopyThreads"/>) means the same: the pieces other
    /// threads wrote are fenced by those threads before the call returns, the calling thread's piece is made
    /// durable by that thread's next <c>Drain</c>, so after it every byte is durable, as for a serial copy.
    /// </remarks>
    NoDrain = 1 << 0,

    /// <summary>Hint: use non-temporal stores whatever the size.</summary>
    NonTemporal = 1 << 1,

    /// <summary>Hint: use temporal stores followed by flushes whatever the size.</summary>
    Temporal = 1 << 2,

    /// <summary>Hint: write-combining stores; on x86-64 the same as <see cref="NonTemporal"/>.</summary>
    WriteCombining = 1 << 3,

    /// <summary>Hint: write-back stores; on x86-64 the same as <see cref="Temporal"/>.</summary>
    WriteBack = 1 << 4,

    /// <summary>Do not flush and do not drain: a plain copy, durable only after a later persist of the range.</summary>
    NoFlush = 1 << 5,

    /// <summary>Every defined flag; other bits are refused with <see cref="ArgumentException"/>.</summary>
    All = NoDrain | NonTemporal | Temporal | WriteCombining | WriteBack | NoFlush,
}
