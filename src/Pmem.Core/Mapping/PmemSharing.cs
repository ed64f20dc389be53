namespace Pmem;

/// <summary>Whether stores reach the file: libpmem2's <c>enum pmem2_sharing_type</c> (<see cref="PmemMapConfig.Sharing"/>).</summary>
public enum PmemSharing
{
    /// <summary><c>PMEM2_SHARED</c> (MAP_SHARED), the default: stores go to the file and persisting makes them durable.</summary>
    Shared = 0,

    /// <summary>
    /// <c>PMEM2_PRIVATE</c> (MAP_PRIVATE): copy-on-write. Stores are visible in this mapping only and never reach the
    /// file; nothing is ever durable, so persisting does nothing and the store granularity is
    /// <see cref="PmemGranularity.Byte"/>. The file may be read-only. Not allowed for device DAX.
    /// </summary>
    Private = 1,
}
