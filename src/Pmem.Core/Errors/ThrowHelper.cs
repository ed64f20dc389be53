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
    internal static void ThrowObjectDisposed(string typeName) => throw new ObjectDisposedException(typeName);

    [MethodImpl(MethodImplOptions.NoInlining)]
    internal static PmemException CreatePmemException(int errno, string message, string? path) =>
        new(errno, message, path);

    /// <summary>One place that turns an errno into a sentence naming the operation and the path.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    internal static PmemException CreateForErrno(int errno, string operation, string? path)
    {
        string where = path is null ? "" : $" '{path}'";
        return new PmemException(errno, $"{operation}{where} failed: {Interop.Libc.StrError(errno)} ({ErrnoTable.Name(errno)}).{ErrnoTable.Hint(errno)}", path);
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static ArgumentOutOfRangeException CreateRangeException(long offset, long length, long capacity) =>
        new(
            offset < 0 || offset > capacity ? "offset" : "length",
            $"The range [offset {offset}, length {length}) does not lie within the mapping of {capacity} bytes.");
}
