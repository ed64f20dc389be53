using System;
using System.IO;

namespace Pmem;

/// <summary>
/// A Linux system call made by Pmem failed, or an argument was refused the way libpmem refuses it.
/// <see cref="Errno"/> is the errno libpmem would have set in the same situation.
/// </summary>
/// <remarks>
/// A failed call leaves nothing half-done: a file the call created is removed, an existing file keeps its size,
/// and no mapping is left behind. What was durable before the call is still durable.
/// <see cref="RedoLogException"/> derives from it, so one <c>catch (PmemException)</c> covers every Pmem failure.
/// </remarks>
public class PmemException : IOException
{
    /// <summary>Creates the exception for <paramref name="errno"/>.</summary>
    /// <param name="errno">The Linux errno value (for example 22 for EINVAL, 2 for ENOENT, 17 for EEXIST).</param>
    /// <param name="message">What failed and how to fix it.</param>
    /// <param name="path">The file the operation concerned, if any.</param>
    public PmemException(int errno, string message, string? path = null)
        : base(message)
    {
        Errno = errno;
        Path = path;
        HResult = errno;
    }

    /// <summary>The Linux errno value describing the failure (EINVAL = 22, ENOENT = 2, EEXIST = 17, …).</summary>
    public int Errno { get; }

    /// <summary>The symbolic errno name, for example <c>"EINVAL"</c>; <c>"errno N"</c> for values Pmem does not name.</summary>
    public string ErrnoName => ErrnoTable.Name(Errno);

    /// <summary>
    /// What kind of failure <see cref="Errno"/> means (not found, permission denied, no space, …); the same errno
    /// always gives the same kind. <see cref="RedoLogException"/> and <see cref="PmemMapException"/> say more in their
    /// own <c>Error</c> property.
    /// </summary>
    public PmemErrorKind Kind => ErrnoTable.Kind(Errno);

    /// <summary>The path of the file the failed operation concerned, or <see langword="null"/>.</summary>
    public string? Path { get; }
}
