namespace Pmem;

/// <summary>
/// Which routine a persistent copy or fill runs, as libpmem names them (<c>t</c> temporal, <c>nt</c>
/// non-temporal; <c>flush</c>, <c>empty</c> for eADR, <c>noflush</c>). <see cref="CopyDecision"/> picks one;
/// the engines report the one that ran.
/// </summary>
internal enum CopyPath : byte
{
    /// <summary>Nothing to store: length 0, or a move onto itself.</summary>
    None = 0,

    /// <summary><c>PMEM_F_MEM_NOFLUSH</c>: temporal stores, no flush, no drain (<c>t.noflush</c>).</summary>
    TemporalNoFlush,

    /// <summary>Temporal stores, then a flush of every line touched (<c>t.flush</c>).</summary>
    TemporalFlush,

    /// <summary>Non-temporal body, temporal head and tail flushed (<c>nt.flush</c>).</summary>
    NonTemporalFlush,

    /// <summary>Flushes are off (eADR or <c>PMEM_NO_FLUSH=1</c>): temporal stores only (<c>t.empty</c>).</summary>
    TemporalAutoFlush,

    /// <summary>Flushes are off and non-temporal stores were asked for: non-temporal body, then SFENCE (<c>nt.empty</c>).</summary>
    NonTemporalAutoFlush,

    /// <summary>No CPU flush can be used (the stub page could not be made executable): temporal stores, then msync.</summary>
    TemporalMsync,

    /// <summary><c>PMEM_NO_MOVNT=1</c>: 8-byte scalar stores, then a flush (<c>memmove_nodrain_generic</c>).</summary>
    Generic,

    /// <summary><c>PMEM_NO_MOVNT=1</c> with <c>PMEM_F_MEM_NOFLUSH</c>: 8-byte scalar stores only.</summary>
    GenericNoFlush,

    /// <summary>
    /// <c>PMEM_NO_MOVNT=1 PMEM_NO_GENERIC_MEMCPY=1</c>: the runtime's memmove or fill, then a flush
    /// (<c>memmove_nodrain_libc</c>). The only path without the 8-byte store guarantee: the runtime does not promise
    /// store widths, which is what asking for it means (as with libpmem's libc path).
    /// </summary>
    Runtime,

    /// <summary>As <see cref="Runtime"/> with <c>PMEM_F_MEM_NOFLUSH</c>: no flush.</summary>
    RuntimeNoFlush,
}
