namespace Pmem;

/// <summary>
/// How <see cref="PmemSource.Map"/> maps a source: libpmem2's <c>struct pmem2_config</c> as an immutable record
/// (<c>new PmemMapConfig { Offset = 4096, Protection = PmemProtection.Read }</c>).
/// </summary>
/// <remarks>Every value is checked when mapping; a bad one gives <see cref="PmemMapException"/> and nothing is mapped or changed.</remarks>
public sealed record PmemMapConfig
{
    /// <summary>The defaults: the whole source, read-write, shared, any granularity.</summary>
    public static PmemMapConfig Default { get; } = new();

    /// <summary>
    /// <c>pmem2_config_set_offset</c>: where in the source the mapping starts; a multiple of the source's alignment
    /// (<see cref="PmemSource.GetAlignment"/>: the page size for files, the device alignment for device DAX).
    /// </summary>
    public long Offset { get; init; }

    /// <summary>
    /// <c>pmem2_config_set_length</c>: how many bytes to map, a multiple of the source's alignment; 0 (the default)
    /// maps from <see cref="Offset"/> to the end of the source. Offset + length past the end is
    /// <see cref="PmemMapError.MapRange"/>: the file is never extended.
    /// </summary>
    public long Length { get; init; }

    /// <summary><c>pmem2_config_set_protection</c>: <see cref="PmemProtection.ReadWrite"/> (the default) or <see cref="PmemProtection.Read"/>.</summary>
    public PmemProtection Protection { get; init; } = PmemProtection.ReadWrite;

    /// <summary><c>pmem2_config_set_sharing</c>: <see cref="PmemSharing.Shared"/> (the default) or <see cref="PmemSharing.Private"/> (copy-on-write, nothing reaches the file).</summary>
    public PmemSharing Sharing { get; init; } = PmemSharing.Shared;

    /// <summary>
    /// <c>pmem2_config_set_required_store_granularity</c>: the coarsest store granularity the caller can work with.
    /// A mapping whose <see cref="PmemMapping.Granularity"/> is coarser is refused with
    /// <see cref="PmemMapError.GranularityNotSupported"/> (for example <see cref="PmemGranularity.CacheLine"/> on a
    /// file that only msync makes durable). <see langword="null"/> (the default) accepts any granularity; pmem2
    /// instead requires it to be set (<c>PMEM2_E_GRANULARITY_NOT_SET</c>).
    /// </summary>
    public PmemGranularity? RequiredGranularity { get; init; }
}
