using System.Runtime.CompilerServices;

namespace Pmem;

public sealed unsafe partial class PmemMapping
{
    private readonly MapShape _shape = MapShape.Whole;

    /// <summary>
    /// libpmem2's store granularity (<c>pmem2_map_get_store_granularity</c>): <see cref="PmemGranularity.Byte"/>
    /// when stores persist once visible (eADR; also anonymous and private mappings, which persist nothing and need
    /// no flush), <see cref="PmemGranularity.CacheLine"/> when they persist after a flush and drain (pmem),
    /// <see cref="PmemGranularity.Page"/> when only msync persists them. <c>PMEM2_FORCE_GRANULARITY</c> overrides the
    /// detection for shared file mappings. Fixed when the mapping is made; <see cref="GranularityReason"/> says why.
    /// </summary>
    public PmemGranularity Granularity { get; private init; }

    /// <summary>One sentence saying why <see cref="Granularity"/> has its value.</summary>
    public string GranularityReason { get; private init; } = "";

    /// <summary>
    /// How the mapping may be accessed. With <see cref="PmemProtection.Read"/>, Pmem's stores (<see cref="Copy"/>,
    /// <see cref="Move"/>, <see cref="Fill"/>, <see cref="Lease"/>, <see cref="GetSpan"/>, F# commits that write) throw
    /// <see cref="PmemMapException"/> (<see cref="PmemMapError.ReadOnlyMapping"/>) and store nothing; reads, flushes
    /// and persists work. Raw pointer stores (<see cref="Address"/>, <see cref="Buffer"/>) are the caller's: they fault.
    /// </summary>
    public PmemProtection Protection => _shape.Protection;

    /// <summary>
    /// Whether stores reach the file. With <see cref="PmemSharing.Private"/> (copy-on-write) they stay in this
    /// mapping: nothing is ever durable, persisting returns without making anything durable, and the file is unchanged
    /// after the mapping is disposed.
    /// </summary>
    public PmemSharing Sharing => _shape.Sharing;

    /// <summary>Where in the file the mapping starts (<see cref="PmemMapConfig.Offset"/>); 0 for whole-file and anonymous mappings.</summary>
    public long FileOffset => _shape.FileOffset;

    /// <summary>True for anonymous memory (<see cref="PmemSource.FromAnonymous"/>): DRAM, nothing is ever durable.</summary>
    public bool IsAnonymous => _shape.Anonymous;

    /// <summary>Refuses a store through Pmem's API into a read-only mapping (before anything is stored).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal void ThrowIfReadOnly()
    {
        if (_shape.Protection != PmemProtection.ReadWrite)
        {
            ThrowReadOnly();
        }
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private void ThrowReadOnly() =>
        throw new PmemMapException(
            PmemMapError.ReadOnlyMapping,
            Interop.Errno.EACCES,
            $"The mapping{(Path is null ? "" : $" of '{Path}'")} is read-only (PmemProtection.Read): nothing was stored. Map it with PmemProtection.ReadWrite to write.",
            Path);
}
