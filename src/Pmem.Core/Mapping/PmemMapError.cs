namespace Pmem;

/// <summary>
/// Why <see cref="PmemSource.Map"/> refused a mapping, or why a store into a mapping was refused; named after
/// libpmem2's <c>PMEM2_E_*</c> codes (<see cref="PmemMapException.Error"/>).
/// </summary>
public enum PmemMapError
{
    /// <summary><c>PMEM2_E_OFFSET_UNALIGNED</c>: the offset is not a multiple of the source's alignment.</summary>
    OffsetUnaligned = 1,

    /// <summary><c>PMEM2_E_LENGTH_UNALIGNED</c>: the length is not a multiple of the source's alignment.</summary>
    LengthUnaligned,

    /// <summary><c>PMEM2_E_OFFSET_OUT_OF_RANGE</c>: the offset is negative (or past what mmap's <c>off_t</c> takes).</summary>
    OffsetOutOfRange,

    /// <summary><c>PMEM2_E_MAP_RANGE</c>: offset + length runs past the end of the source (or the length is negative).</summary>
    MapRange,

    /// <summary><c>PMEM2_E_SOURCE_EMPTY</c>: the file (or anonymous size) is 0 bytes, or the offset is at its end.</summary>
    SourceEmpty,

    /// <summary><c>PMEM2_E_NO_ACCESS</c>: the file or handle does not allow the protection asked for (for example a write mapping of a read-only file).</summary>
    NoAccess,

    /// <summary><c>PMEM2_E_INVALID_FILE_HANDLE</c>: the handle is invalid or opened write-only.</summary>
    InvalidFileHandle,

    /// <summary><c>PMEM2_E_INVALID_FILE_TYPE</c>: not a regular file or a device-DAX device (a directory, a FIFO, …).</summary>
    InvalidFileType,

    /// <summary><c>PMEM2_E_GRANULARITY_NOT_SUPPORTED</c>: the mapping's store granularity is coarser than the required one.</summary>
    GranularityNotSupported,

    /// <summary><c>PMEM2_E_SRC_DEVDAX_PRIVATE</c>: device DAX cannot be mapped <see cref="PmemSharing.Private"/>.</summary>
    DeviceDaxPrivate,

    /// <summary><c>PMEM2_E_INVALID_PROT_FLAG</c>: a protection Pmem does not map with (see <see cref="PmemProtection"/>).</summary>
    InvalidProtection,

    /// <summary><c>PMEM2_E_INVALID_SHARING_VALUE</c>: not a defined <see cref="PmemSharing"/>.</summary>
    InvalidSharing,

    /// <summary><c>PMEM2_E_INVALID_ALIGNMENT_VALUE</c>: the device-DAX alignment sysfs reports is not a power of two.</summary>
    InvalidAlignment,

    /// <summary>
    /// Not in pmem2 (where such a store raises SIGSEGV): a store through Pmem's API (Copy, Move, Fill, Lease,
    /// GetSpan, a commit) into a <see cref="PmemProtection.Read"/> mapping. Nothing was stored.
    /// </summary>
    ReadOnlyMapping,
}
