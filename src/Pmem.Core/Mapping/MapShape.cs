namespace Pmem;

/// <summary>What libpmem2's configuration made of a mapping: where in the file it starts, its protection and sharing.</summary>
internal readonly record struct MapShape(long FileOffset, PmemProtection Protection, PmemSharing Sharing, bool Anonymous)
{
    /// <summary>A libpmem-style mapping: the whole file from offset 0, read-write, shared.</summary>
    internal static MapShape Whole => new(0, PmemProtection.ReadWrite, PmemSharing.Shared, false);

    /// <summary>True when no store can ever reach a file (anonymous memory, or a private copy-on-write mapping).</summary>
    internal bool NeverDurable => Anonymous || Sharing == PmemSharing.Private;

    internal string NeverDurableReason => Anonymous
        ? "anonymous memory: DRAM that no file backs, nothing is ever durable and nothing needs flushing"
        : "private (copy-on-write) mapping: stores never reach the file, nothing is ever durable and nothing needs flushing";

    /// <summary>The shape and the persistence facts decided for it when mapping.</summary>
    internal readonly record struct Facts(MapShape Shape, bool IsPmem, string IsPmemReason, PmemGranularity Granularity, string GranularityReason);
}
