namespace Pmem;

/// <summary>
/// What kind of failure a <see cref="PmemException"/> reports, from its errno (<see cref="PmemException.Kind"/>):
/// the classes a caller usually acts on. The F# face's <c>PmemError</c> cases map from it.
/// </summary>
public enum PmemErrorKind
{
    /// <summary>Any other system error: see <see cref="PmemException.Errno"/> and the message.</summary>
    Other = 0,

    /// <summary>An argument was refused (EINVAL), the way libpmem refuses it; the message says which and why.</summary>
    InvalidArgument = 1,

    /// <summary>The file or directory does not exist (ENOENT).</summary>
    NotFound = 2,

    /// <summary>The file exists and exclusive creation was asked for (EEXIST).</summary>
    AlreadyExists = 3,

    /// <summary>Permission denied (EACCES, EPERM) or a read-only file system (EROFS).</summary>
    PermissionDenied = 4,

    /// <summary>The file system has no room for the length (ENOSPC, EDQUOT) or cannot hold a file that large (EFBIG).</summary>
    NoSpace = 5,
}
