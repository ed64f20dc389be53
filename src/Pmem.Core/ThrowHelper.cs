using System;
using System.Diagnostics.CodeAnalysis;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Pmem;

/// <summary>Throwers kept out of line so that the fast paths that call them stay small.</summary>
internal static class ThrowHelper
{
    [DoesNotReturn]
    internal static void ThrowPmemException(int errno, string message, string? path = null) =>
        throw CreatePmemException(errno, message, path);

    /// <summary>Throws for the errno left by the P/Invoke that just failed.</summary>
    [DoesNotReturn]
    internal static void ThrowLastError(string operation, string? path = null) =>
        throw CreateForErrno(Marshal.GetLastPInvokeError(), operation, path);

    /// <summary>Throws for <paramref name="errno"/> returned by <paramref name="operation"/>.</summary>
    [DoesNotReturn]
    internal static void ThrowForErrno(int errno, string operation, string? path = null) =>
        throw CreateForErrno(errno, operation, path);

    [DoesNotReturn]
    internal static void ThrowArgumentOutOfRange(long offset, long length, long capacity) =>
        throw CreateRangeException(offset, length, capacity);

    [DoesNotReturn]
    internal static void ThrowInvalidCopyFlags(PmemCopyFlags flags) =>
        throw new ArgumentException(
            $"Unknown PmemCopyFlags bits 0x{(int)flags & ~(int)PmemCopyFlags.All:X}; only NoDrain, NonTemporal, Temporal, WriteCombining, WriteBack and NoFlush are defined.",
            nameof(flags));

    [DoesNotReturn]
    internal static void ThrowObjectDisposed(string typeName) => throw new ObjectDisposedException(typeName);

    [MethodImpl(MethodImplOptions.NoInlining)]
    internal static PmemException CreatePmemException(int errno, string message, string? path) =>
        new(errno, message, path);

    /// <summary>One place that turns an errno into a sentence naming the operation and the path.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    internal static PmemException CreateForErrno(int errno, string operation, string? path)
    {
        string where = path is null ? "" : $" '{path}'";
        string hint = errno switch
        {
            Interop.Errno.ENOENT => " The file or directory does not exist; pass PmemFileFlags.Create to create a file.",
            Interop.Errno.EEXIST => " The file exists and PmemFileFlags.Exclusive was given; remove it or drop Exclusive.",
            Interop.Errno.EACCES or Interop.Errno.EPERM => " Check the file's permissions: mapping needs read and write access (and write access to the directory to create a file).",
            Interop.Errno.ENOSPC or Interop.Errno.EDQUOT => " The file system has no room for the requested length; free space, pass a smaller length, or use PmemFileFlags.Sparse.",
            Interop.Errno.EFBIG => " The length exceeds what this file system can hold in one file; pass a smaller length.",
            Interop.Errno.ENOMEM => " The process has no address space (or memory) for a mapping this large, or the range is not mapped.",
            Interop.Errno.EROFS => " The file system is mounted read-only.",
            Interop.Errno.EISDIR => " The path is a directory; PmemFileFlags.TempFile takes a directory, otherwise pass a file path.",
            Interop.Errno.ENOTDIR => " A component of the path is not a directory (PmemFileFlags.TempFile needs a directory path).",
            Interop.Errno.EOPNOTSUPP => " The file system does not support this operation (posix_fallocate needs a file system that can preallocate; try PmemFileFlags.Sparse).",
            _ => "",
        };
        return new PmemException(errno, $"{operation}{where} failed: {Interop.Libc.StrError(errno)} ({ErrnoNames.Name(errno)}).{hint}", path);
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static ArgumentOutOfRangeException CreateRangeException(long offset, long length, long capacity) =>
        new(
            offset < 0 || offset > capacity ? "offset" : "length",
            $"The range [offset {offset}, length {length}) does not lie within the mapping of {capacity} bytes.");
}
