namespace Pmem;

/// <summary>
/// The smallest unit in which stores reach persistence (libpmem2's store granularity), as forced through
/// <c>PMEM2_FORCE_GRANULARITY</c>.
/// </summary>
public enum PmemGranularity
{
    /// <summary>Every store is persistent once visible (eADR): no flushes needed, a fence orders stores.</summary>
    Byte = 0,

    /// <summary>Stores persist after a cache-line flush and a drain (ADR persistent memory).</summary>
    CacheLine = 1,

    /// <summary>Stores persist only through <c>msync</c> of whole pages (an ordinary file system).</summary>
    Page = 2,
}
