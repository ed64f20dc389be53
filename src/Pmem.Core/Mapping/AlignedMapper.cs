using System.Diagnostics;
using System.Runtime.InteropServices;

namespace Pmem;

/// <summary>
/// Maps a file at an address aligned for huge pages: reserve <c>length + alignment</c> of inaccessible address
/// space, map the file with MAP_FIXED at the first aligned address inside it, then return the unused ends.
/// Unlike libpmem's probe-then-hint, no other thread can take the range between the two calls.
/// </summary>
internal static class AlignedMapper
{
    /// <summary>2 MiB: lets the kernel back the mapping with PMD-sized pages.</summary>
    internal const long HugePage = 2L << 20;

    /// <summary>1 GiB: lets the kernel back large mappings with PUD-sized pages.</summary>
    internal const long GiantPage = 1L << 30;

    /// <summary>libpmem's <c>util_map_hint_align</c>: 1 GiB alignment from 2 GiB up, 2 MiB below.</summary>
    internal static long AlignmentFor(long length) => length >= 2 * GiantPage ? GiantPage : HugePage;

    /// <summary>The outcome of <see cref="Map(int, long, long, long, nint?, int, bool)"/>: an address, whether MAP_SYNC was accepted, or an errno.</summary>
    internal readonly record struct Result(nint Address, nuint MappedLength, bool MapSync, int Errno, string Operation);

    internal static Result Map(int fd, long length, long alignment, nint? hint) =>
        Map(fd, 0, length, alignment, hint, Interop.Libc.PROT_READ | Interop.Libc.PROT_WRITE, shared: true);

    /// <summary>
    /// Maps <c>[offset, offset + length)</c> of <paramref name="fd"/> (-1: anonymous memory) with <paramref name="prot"/>:
    /// shared tries MAP_SYNC first, private is copy-on-write (never MAP_SYNC).
    /// </summary>
    internal static Result Map(int fd, long offset, long length, long alignment, nint? hint, int prot, bool shared)
    {
        Debug.Assert(length > 0, "mmap of length 0 is refused before this point");
        Debug.Assert(offset >= 0 && offset % (long)PageFlush.PageSize == 0, "offsets are page-aligned before this point");
        Debug.Assert(alignment > 0 && (alignment & (alignment - 1)) == 0, "alignment is a power of two");

        nuint page = PageFlush.PageSize;
        nuint mapLength = ((nuint)length + page - 1) & ~(page - 1);
        nuint align = (nuint)alignment;
        nuint reserveLength = mapLength + align;
        if (reserveLength < mapLength)
        {
            return new Result(0, 0, false, Interop.Errno.ENOMEM, "reserving address space");
        }

        nint reservation = Interop.Libc.mmap(
            hint ?? 0,
            reserveLength,
            Interop.Libc.PROT_NONE,
            Interop.Libc.MAP_PRIVATE | Interop.Libc.MAP_ANONYMOUS | Interop.Libc.MAP_NORESERVE,
            fd: -1,
            offset: 0);
        if (reservation == Interop.Libc.MAP_FAILED)
        {
            return new Result(0, 0, false, Marshal.GetLastPInvokeError(), "reserving address space");
        }

        nint target = (nint)(((nuint)reservation + align - 1) & ~(align - 1));
        int anonymous = fd < 0 ? Interop.Libc.MAP_ANONYMOUS : 0;

        // MAP_SHARED_VALIDATE makes the kernel refuse MAP_SYNC instead of silently ignoring it, so success means
        // the file is on a DAX file system and writes reach the media through CPU flushes alone.
        // Anonymous and private mappings never reach a file, so MAP_SYNC has no meaning for them.
        bool mapSync = shared && anonymous == 0;
        nint address = mapSync
            ? Interop.Libc.mmap(target, (nuint)length, prot, Interop.Libc.MAP_SHARED_VALIDATE | Interop.Libc.MAP_SYNC | Interop.Libc.MAP_FIXED, fd, offset)
            : Interop.Libc.mmap(target, (nuint)length, prot, (shared ? Interop.Libc.MAP_SHARED : Interop.Libc.MAP_PRIVATE) | anonymous | Interop.Libc.MAP_FIXED, fd, offset);
        if (address == Interop.Libc.MAP_FAILED)
        {
            int errno = Marshal.GetLastPInvokeError();
            if (mapSync && errno is Interop.Errno.EOPNOTSUPP or Interop.Errno.EINVAL)
            {
                mapSync = false;
                address = Interop.Libc.mmap(target, (nuint)length, prot, Interop.Libc.MAP_SHARED | Interop.Libc.MAP_FIXED, fd, offset);
                if (address == Interop.Libc.MAP_FAILED)
                {
                    errno = Marshal.GetLastPInvokeError();
                }
            }

            if (address == Interop.Libc.MAP_FAILED)
            {
                Interop.Libc.munmap(reservation, reserveLength);
                return new Result(0, 0, false, errno, "mmap");
            }
        }

        Debug.Assert(address == target, "MAP_FIXED maps exactly at the target");

        // Give back the parts of the reservation before and after the mapping (failures only leak address space
        // that stays inaccessible, so they are not errors).
        nuint head = (nuint)(target - reservation);
        if (head != 0)
        {
            Interop.Libc.munmap(reservation, head);
        }

        nuint tail = reserveLength - head - mapLength;
        if (tail != 0)
        {
            Interop.Libc.munmap(target + (nint)mapLength, tail);
        }

        return new Result(address, mapLength, mapSync, 0, "mmap");
    }

    /// <summary>Undoes a successful <see cref="Map(int, long, long, long, nint?, int, bool)"/> (the caller failed after it).</summary>
    internal static void Unmap(Result mapped)
    {
        int result = Interop.Libc.munmap(mapped.Address, mapped.MappedLength);
        Debug.Assert(result == 0, "munmap of a range Map returned");
    }
}
