using System;

namespace Pmem;

/// <summary>How <see cref="PmemFile.Map(string, long, PmemFileFlags, System.IO.UnixFileMode)"/> opens the file; libpmem's <c>PMEM_FILE_*</c> values.</summary>
[Flags]
public enum PmemFileFlags
{
    /// <summary>Map an existing file whole (length must be 0).</summary>
    None = 0,

    /// <summary>Create the file if needed and set its length to exactly the requested length (extending or truncating).</summary>
    Create = 1 << 0,

    /// <summary>With <see cref="Create"/>: fail with EEXIST if the file exists. With <see cref="TempFile"/>: the file can never be linked.</summary>
    Exclusive = 1 << 1,

    /// <summary>With <see cref="Create"/>: do not allocate space (no posix_fallocate); the file may be sparse.</summary>
    Sparse = 1 << 2,

    /// <summary>With <see cref="Create"/>: the path is a directory; map a new unnamed file in it that disappears on unmap.</summary>
    TempFile = 1 << 3,
}
