namespace Pmem;

/// <summary>The cache-line flush instruction Pmem uses, in libpmem's order of preference (last wins).</summary>
public enum FlushInstruction
{
    /// <summary>No CPU flush is available to Pmem; persistence falls back to <c>msync</c>.</summary>
    None = 0,

    /// <summary>CLFLUSH: evicts the line; ordered by itself, so a drain needs no fence.</summary>
    Clflush = 1,

    /// <summary>CLFLUSHOPT: evicts the line; weakly ordered, a drain (SFENCE) completes it.</summary>
    Clflushopt = 2,

    /// <summary>CLWB: writes the line back and may keep it cached; weakly ordered, a drain (SFENCE) completes it.</summary>
    Clwb = 3,
}
