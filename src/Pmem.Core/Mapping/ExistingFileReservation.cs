using System.Runtime.InteropServices;

namespace Pmem;

/// <summary>What <see cref="ExistingFileReservation.Reserve"/> found and did.</summary>
internal enum ExistingFileOutcome
{
    /// <summary>The path was opened and is now at least the length long (or is a device, left as it is).</summary>
    Reserved,

    /// <summary>Nothing exists at the path (open said ENOENT): the caller may create it.</summary>
    Missing,

    /// <summary>The path could not be opened for another reason; mapping it will say why.</summary>
    Unopenable,

    /// <summary>The path was opened but could not be made long enough; the error says why.</summary>
    Failed,
}

/// <summary>
/// The first step of F#'s <c>MapOptions.openOrCreate</c>: make an existing file at least a length long without ever
/// shrinking it (libpmem's <c>pmem_map_file</c> with <c>PMEM_FILE_CREATE</c> sets an existing file's length exactly,
/// truncating a longer one).
/// </summary>
internal static class ExistingFileReservation
{
    /// <summary>
    /// Opens <paramref name="path"/> read-write and reserves <c>[0, length)</c> with posix_fallocate (its blocks
    /// allocated, as Create does), or with <paramref name="sparse"/> only the last byte (the file grows with a hole).
    /// posix_fallocate never reduces a file's size, so a file another process grows meanwhile is kept whole. Nothing
    /// is durable by this call beyond what posix_fallocate itself does.
    /// </summary>
    internal static ExistingFileOutcome Reserve(string path, long length, bool sparse, out PmemException? error)
    {
        error = null;
        int fd = Interop.Libc.open(path, Interop.Libc.O_RDWR | Interop.Libc.O_CLOEXEC, 0);
        if (fd < 0)
        {
            return Marshal.GetLastPInvokeError() == Interop.Errno.ENOENT ? ExistingFileOutcome.Missing : ExistingFileOutcome.Unopenable;
        }

        try
        {
            error = Grow(fd, length, sparse, path);
            return error is null ? ExistingFileOutcome.Reserved : ExistingFileOutcome.Failed;
        }
        finally
        {
            _ = Interop.Libc.close(fd);
        }
    }

    private static PmemException? Grow(int fd, long length, bool sparse, string path)
    {
        if (Interop.Libc.fstat(fd, out Interop.Libc.StatBuffer st) != 0)
        {
            return ThrowHelper.CreateForErrno(Marshal.GetLastPInvokeError(), "fstat", path);
        }

        if ((st.st_mode & Interop.Libc.S_IFMT) != Interop.Libc.S_IFREG || (sparse && st.st_size >= length))
        {
            return null;
        }

        (long offset, long count) = sparse ? (length - 1, 1L) : (0L, length);
        int errno = Interop.Libc.posix_fallocate(fd, offset, count);
        return errno == 0 ? null : ThrowHelper.CreateForErrno(errno, "posix_fallocate", path);
    }
}
