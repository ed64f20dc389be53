using System;
using System.IO;
using System.Runtime.InteropServices;

namespace Pmem;

/// <summary>
/// Opens, creates and sizes the file behind a mapping, remembering enough to undo its effects on failure: a file
/// this call created is unlinked, an existing file gets its original size back. Sizing comes last (after the mmap
/// succeeded), so a failed map never truncates an existing file.
/// </summary>
internal static class FileOpener
{
    /// <summary>An open descriptor and what opening it changed; <see cref="Errno"/> ≠ 0 means it failed.</summary>
    /// <remarks><see cref="CreatedPath"/> is the file this call created (the target when the path is a dangling symbolic link).</remarks>
    internal readonly record struct Opened(int Fd, string? CreatedPath, bool IsTemporary, long OriginalSize, int Errno, string Operation)
    {
        internal bool Created => CreatedPath is not null || IsTemporary;
    }

    internal static Opened Open(string path, PmemFileFlags flags, UnixFileMode mode)
    {
        bool exclusive = (flags & PmemFileFlags.Exclusive) != 0;
        if ((flags & PmemFileFlags.TempFile) != 0)
        {
            return OpenTemporary(path, exclusive);
        }

        const int rw = Interop.Libc.O_RDWR | Interop.Libc.O_CLOEXEC;
        if ((flags & PmemFileFlags.Create) == 0)
        {
            // Exclusive without Create is passed through by libpmem and has no effect on an existing file.
            int fd = Interop.Libc.open(path, rw, 0);
            return fd >= 0 ? new Opened(fd, null, false, 0, 0, "") : Failed("open");
        }

        // Try to create first, so that we know whether this call made the file (and may remove it on failure).
        // If it exists, open it as it is; if it vanishes in between, try again. A dangling symbolic link is followed
        // to the file it names, which is created (as open(2) with O_CREAT does, and libpmem with it).
        for (int attempt = 0; ; attempt++)
        {
            int fd = Interop.Libc.open(path, rw | Interop.Libc.O_CREAT | Interop.Libc.O_EXCL, (uint)mode);
            if (fd >= 0)
            {
                return new Opened(fd, path, false, 0, 0, "");
            }

            int errno = Marshal.GetLastPInvokeError();
            if (errno != Interop.Errno.EEXIST || exclusive)
            {
                return new Opened(-1, null, false, 0, errno, "create");
            }

            fd = Interop.Libc.open(path, rw, 0);
            if (fd >= 0)
            {
                if (Interop.Libc.fstat(fd, out Interop.Libc.StatBuffer st) != 0)
                {
                    Opened failed = Failed("fstat");
                    Interop.Libc.close(fd);
                    return failed;
                }

                return new Opened(fd, null, false, st.st_size, 0, "");
            }

            errno = Marshal.GetLastPInvokeError();
            if (errno == Interop.Errno.ENOENT && !exclusive && attempt < 40 && SymbolicLinks.DanglingTarget(path) is { } target)
            {
                path = target;
                continue;
            }

            if (errno != Interop.Errno.ENOENT || attempt >= 16)
            {
                return new Opened(-1, null, false, 0, errno, "open");
            }
        }
    }

    /// <summary>
    /// Sets the file to exactly <paramref name="length"/> bytes, allocating space unless <paramref name="sparse"/>.
    /// Allocation runs first and keeps the size, so a file system that cannot hold the length fails before the size
    /// or any byte changes; the caller has already mapped the file.
    /// </summary>
    internal static (int Errno, string Operation) SetLength(Opened file, long length, bool sparse)
    {
        if (!sparse)
        {
            if (Interop.Libc.fallocate(file.Fd, Interop.Libc.FALLOC_FL_KEEP_SIZE, 0, length) != 0)
            {
                int errno = Marshal.GetLastPInvokeError();
                if (errno != Interop.Errno.EOPNOTSUPP)
                {
                    return (errno, "fallocate");
                }

                // No fallocate on this file system: glibc's emulation only fills holes (existing bytes stay), and a
                // failure is undone by restoring the original size.
                errno = Interop.Libc.posix_fallocate(file.Fd, 0, length);
                if (errno != 0)
                {
                    return (errno, "posix_fallocate");
                }
            }
        }

        if (Interop.Libc.ftruncate(file.Fd, length) != 0)
        {
            return (Marshal.GetLastPInvokeError(), "ftruncate");
        }

        return (0, "");
    }

    /// <summary>Reverts what <see cref="Open"/> and <see cref="SetLength"/> changed. Best effort: the original error is what the caller reports.</summary>
    internal static void Undo(Opened file)
    {
        if (file.IsTemporary)
        {
            return; // already unlinked: it disappears with the descriptor
        }

        if (file.CreatedPath is { } created)
        {
            Interop.Libc.unlink(created);
        }
        else if (Interop.Libc.fstat(file.Fd, out Interop.Libc.StatBuffer st) == 0 && st.st_size != file.OriginalSize)
        {
            Interop.Libc.ftruncate(file.Fd, file.OriginalSize);
        }
    }

    /// <summary>An unnamed file in <paramref name="directory"/>: O_TMPFILE, or a <c>pmem.XXXXXX</c> file unlinked at once.</summary>
    private static Opened OpenTemporary(string directory, bool exclusive)
    {
        const uint mode = 0x180; // 0600: only the owner, as libpmem's util_tmpfile
        int flags = Interop.Libc.O_TMPFILE | Interop.Libc.O_RDWR | Interop.Libc.O_CLOEXEC | (exclusive ? Interop.Libc.O_EXCL : 0);
        int fd = Interop.Libc.open(directory, flags, mode);
        if (fd >= 0)
        {
            return new Opened(fd, null, true, 0, 0, "");
        }

        int errno = Marshal.GetLastPInvokeError();
        if (errno is not (Interop.Errno.EOPNOTSUPP or Interop.Errno.EISDIR))
        {
            return new Opened(-1, null, false, 0, errno, "create a temporary file in");
        }

        // The file system has no O_TMPFILE: create a uniquely named file and unlink it while it is open.
        for (int attempt = 0; attempt < 100; attempt++)
        {
            string name = Path.Combine(directory, "pmem." + Path.GetRandomFileName().Replace(".", "", StringComparison.Ordinal)[..6]);
            fd = Interop.Libc.open(name, Interop.Libc.O_RDWR | Interop.Libc.O_CREAT | Interop.Libc.O_EXCL | Interop.Libc.O_CLOEXEC, mode);
            if (fd >= 0)
            {
                Interop.Libc.unlink(name);
                return new Opened(fd, null, true, 0, 0, "");
            }

            errno = Marshal.GetLastPInvokeError();
            if (errno != Interop.Errno.EEXIST)
            {
                break;
            }
        }

        return new Opened(-1, null, false, 0, errno, "create a temporary file in");
    }

    private static Opened Failed(string operation) => new(-1, null, false, 0, Marshal.GetLastPInvokeError(), operation);
}
