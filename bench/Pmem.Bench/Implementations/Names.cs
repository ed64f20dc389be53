namespace Pmem.Bench;

/// <summary>Implementation names as they appear in the CSV, the report and the chart.</summary>
internal static class Names
{
    public const string PmemCSharp = "Pmem C#";
    public const string PmemMapping = "Pmem C# (PmemMapping)";
    public const string PmemMappingSparse = "Pmem C# (PmemMapping, sparse file)";
    public const string PmemMappingSparseUnchecked = "Pmem C# (PmemMapping, sparse file's addresses, no check)";
    public const string PmemFSharp = "Pmem F# commit";
    public const string PmemFSharpCommitting = "Pmem F# committing";
    public const string PmemFlushEach = "Pmem C# (flush each + one drain)";
    public const string CLoop = "C libpmem (C loop)";
    public const string CLoopFlushEach = "C libpmem (C loop, flush each + one drain)";
    public const string PInvoke = "C libpmem (P/Invoke)";
    public const string MemoryMapped = "MemoryMappedViewAccessor.Flush";
    public const string BufferCopy = "Buffer.MemoryCopy (no durability)";
    public const string SpanFill = "Span.Fill (no durability)";
    public const string NtStoreC = "NT store ceiling (C)";
    public const string NtCopyC = "NT copy ceiling (C)";
    public const string NtStoreCSharp = "NT store ceiling (C#)";
    public const string NtStoreC2 = "NT store ceiling, 2 threads (C)";
    public const string NtCopyC2 = "NT copy ceiling, 2 threads (C)";
    public const string PmemOneThread = "Pmem C# (1 thread)";
    public const string PmemMovdir64B = "Pmem C# (MOVDIR64B)";
}
