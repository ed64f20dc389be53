using static Pmem.Interop.Errno;

namespace Pmem;

/// <summary>
/// The one table of what Pmem knows about each errno it reports: the C name, the <see cref="PmemErrorKind"/> it
/// belongs to, and the advice appended to messages. The values are <see cref="Interop.Errno"/>'s constants.
/// </summary>
internal static class ErrnoTable
{
    /// <summary>One errno: its value, C name, kind and advice ("" when the message needs none).</summary>
    internal readonly record struct Entry(int Errno, string Name, PmemErrorKind Kind, string Hint);

    private static readonly Entry[] s_entries =
    [
        new(EPERM, "EPERM", PmemErrorKind.PermissionDenied, " Check the file's permissions: mapping needs read and write access (and write access to the directory to create a file)."),
        new(ENOENT, "ENOENT", PmemErrorKind.NotFound, " The file or directory does not exist; pass PmemFileFlags.Create to create a file."),
        new(EINTR, "EINTR", PmemErrorKind.Other, ""),
        new(EIO, "EIO", PmemErrorKind.Other, ""),
        new(EBADF, "EBADF", PmemErrorKind.Other, ""),
        new(EAGAIN, "EAGAIN", PmemErrorKind.Other, ""),
        new(ENOMEM, "ENOMEM", PmemErrorKind.Other, " The process has no address space (or memory) for a mapping this large, or the range is not mapped."),
        new(EACCES, "EACCES", PmemErrorKind.PermissionDenied, " Check the file's permissions: mapping needs read and write access (and write access to the directory to create a file)."),
        new(EFAULT, "EFAULT", PmemErrorKind.Other, ""),
        new(EBUSY, "EBUSY", PmemErrorKind.Other, ""),
        new(EEXIST, "EEXIST", PmemErrorKind.AlreadyExists, " The file exists and PmemFileFlags.Exclusive was given; remove it or drop Exclusive."),
        new(ENODEV, "ENODEV", PmemErrorKind.Other, ""),
        new(ENOTDIR, "ENOTDIR", PmemErrorKind.Other, " A component of the path is not a directory (PmemFileFlags.TempFile needs a directory path)."),
        new(EISDIR, "EISDIR", PmemErrorKind.Other, " The path is a directory; PmemFileFlags.TempFile takes a directory, otherwise pass a file path."),
        new(EINVAL, "EINVAL", PmemErrorKind.InvalidArgument, ""),
        new(ETXTBSY, "ETXTBSY", PmemErrorKind.Other, ""),
        new(EFBIG, "EFBIG", PmemErrorKind.NoSpace, " The length exceeds what this file system can hold in one file; pass a smaller length."),
        new(ENOSPC, "ENOSPC", PmemErrorKind.NoSpace, " The file system has no room for the requested length; free space, pass a smaller length, or use PmemFileFlags.Sparse."),
        new(EROFS, "EROFS", PmemErrorKind.PermissionDenied, " The file system is mounted read-only."),
        new(ENAMETOOLONG, "ENAMETOOLONG", PmemErrorKind.Other, ""),
        new(ELOOP, "ELOOP", PmemErrorKind.Other, ""),
        new(EBADMSG, "EBADMSG", PmemErrorKind.Other, ""),
        new(EOPNOTSUPP, "EOPNOTSUPP", PmemErrorKind.Other, " The file system does not support this operation (posix_fallocate needs a file system that can preallocate; try PmemFileFlags.Sparse)."),
        new(EDQUOT, "EDQUOT", PmemErrorKind.NoSpace, " The file system has no room for the requested length; free space, pass a smaller length, or use PmemFileFlags.Sparse."),
    ];

    /// <summary>The C name, for example <c>"EINVAL"</c>; <c>"errno N"</c> for a value the table does not hold.</summary>
    internal static string Name(int errno) => Find(errno) is { } e ? e.Name : $"errno {errno}";

    /// <summary>The kind; <see cref="PmemErrorKind.Other"/> for a value the table does not hold.</summary>
    internal static PmemErrorKind Kind(int errno) => Find(errno) is { } e ? e.Kind : PmemErrorKind.Other;

    /// <summary>The advice appended to a failure's message (leading space included), or "".</summary>
    internal static string Hint(int errno) => Find(errno) is { } e ? e.Hint : "";

    private static Entry? Find(int errno)
    {
        foreach (Entry e in s_entries)
        {
            if (e.Errno == errno)
            {
                return e;
            }
        }

        return null;
    }
}
