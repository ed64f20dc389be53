using System;
using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Threading;

namespace Pmem;

/// <summary>
/// Maps a file at an address aligned for huge pages: reserve <c>length + alignment</c> of inaccessible address
/// space, map the file with MAP_FIXED at the first aligned address inside it, then return the unused ends.
/// Unlike libpmem's probe-then-hint, no other thread can take the range between the two calls.
/// </summary>
/// <remarks>
/// <para>A MAP_FIXED mmap that fails may leave a hole where it was to map: since Linux 6.12 (and always before), when
/// the file system's own mmap handler refuses (ext4 and XFS refuse MAP_SYNC off DAX this way), the kernel has
/// already taken the old range down and leaves it unmapped. Another mmap in the process, on any thread, can land in
/// that hole at once; mapping into the range again, or unmapping the whole reservation, would then replace or remove
/// that other mapping under its owner (a later load from it faults and kills the process, a store goes to the wrong
/// file). So nothing here ever issues a MAP_FIXED mmap that is expected to fail: whether the kernel accepts MAP_SYNC
/// for the file is asked first with a one-page mapping the kernel places itself (<see cref="ProbeMapSync"/>). After
/// an unexpected failure the range is taken back with MAP_FIXED_NOREPLACE, which fails rather than replace anything
/// (<see cref="Reclaim"/>), before it is mapped again or unmapped. Pmem's own reservations are made under one lock,
/// so two mappings made at once never meet in such a hole.</para>
/// </remarks>
internal static class AlignedMapper
{
    /// <summary>2 MiB: lets the kernel back the mapping with PMD-sized pages.</summary>
    internal const long HugePage = 2L << 20;

    /// <summary>1 GiB: lets the kernel back large mappings with PUD-sized pages.</summary>
    internal const long GiantPage = 1L << 30;

    /// <summary>Held from a reservation to the return of its unused ends (see the remarks).</summary>
    private static readonly Lock s_reserving = new();

    /// <summary>libpmem's <c>util_map_hint_align</c>: 1 GiB alignment from 2 GiB up, 2 MiB below.</summary>
    internal static long AlignmentFor(long length) => length >= 2 * GiantPage ? GiantPage : HugePage;

    /// <summary>The outcome of <see cref="Map(int, long, long, long, nint?, int, bool)"/>: an address, whether MAP_SYNC was accepted, or an errno.</summary>
    internal readonly record struct Result(nint Address, nuint MappedLength, bool MapSync, int Errno, string Operation);

    internal static Result Map(int fd, long length, long alignment, nint? hint) =>
        Map(fd, 0, length, alignment, hint, Interop.Libc.PROT_READ | Interop.Libc.PROT_WRITE, shared: true);

    /// <summary>
    /// Maps <c>[offset, offset + length)</c> of <paramref name="fd"/> (-1: anonymous memory) with <paramref name="prot"/>:
    /// shared uses MAP_SYNC where the kernel accepts it for the file, private is copy-on-write (never MAP_SYNC).
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

        // Anonymous and private mappings never reach a file, so MAP_SYNC has no meaning for them.
        bool mapSync = false;
        if (shared && fd >= 0)
        {
            int refused = ProbeMapSync(fd, offset, Math.Min(mapLength, align), prot);
            if (refused is not (0 or Interop.Errno.EOPNOTSUPP or Interop.Errno.EINVAL))
            {
                return new Result(0, 0, false, refused, "mmap");
            }

            mapSync = refused == 0;
        }

        lock (s_reserving)
        {
            return MapReserved(fd, offset, length, mapLength, align, reserveLength, hint, prot, shared, mapSync);
        }
    }

    /// <summary>Map's reservation, its MAP_FIXED mmap and the return of the unused ends (under <see cref="s_reserving"/>).</summary>
    private static Result MapReserved(
        int fd, long offset, long length, nuint mapLength, nuint align, nuint reserveLength, nint? hint, int prot, bool shared, bool mapSync)
    {
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
        nint address = MapFixed(target, length, prot, fd, offset, shared, mapSync);
        if (address == Interop.Libc.MAP_FAILED)
        {
            int errno = Marshal.GetLastPInvokeError();

            // The probe said yes and the mapping itself no (the file changed in between): without MAP_SYNC, once the
            // range is ours again.
            if (mapSync && errno is Interop.Errno.EOPNOTSUPP or Interop.Errno.EINVAL && Reclaim(target, mapLength))
            {
                mapSync = false;
                address = MapFixed(target, length, prot, fd, offset, shared, mapSync: false);
                errno = address == Interop.Libc.MAP_FAILED ? Marshal.GetLastPInvokeError() : 0;
            }

            if (address == Interop.Libc.MAP_FAILED)
            {
                ReleaseAfterFailure(reservation, reserveLength, target, mapLength);
                return new Result(0, 0, false, errno, "mmap");
            }
        }

        Debug.Assert(address == target, "MAP_FIXED maps exactly at the target");

        // Give back the parts of the reservation before and after the mapping (failures only leak address space
        // that stays inaccessible, so they are not errors).
        ReleaseEnds(reservation, reserveLength, target, mapLength);
        return new Result(address, mapLength, mapSync, 0, "mmap");
    }

    /// <summary>The mmap with MAP_FIXED at <paramref name="target"/> (inside a reservation this thread holds).</summary>
    private static nint MapFixed(nint target, long length, int prot, int fd, long offset, bool shared, bool mapSync)
    {
        int anonymous = fd < 0 ? Interop.Libc.MAP_ANONYMOUS : 0;
        int sharing = mapSync
            ? Interop.Libc.MAP_SHARED_VALIDATE | Interop.Libc.MAP_SYNC
            : shared ? Interop.Libc.MAP_SHARED : Interop.Libc.MAP_PRIVATE;
        return Interop.Libc.mmap(target, (nuint)length, prot, sharing | anonymous | Interop.Libc.MAP_FIXED, fd, offset);
    }

    /// <summary>
    /// Whether the kernel maps <paramref name="fd"/> with MAP_SYNC: 0 when it does (a DAX file: writes reach the
    /// media through CPU flushes alone), EOPNOTSUPP or EINVAL when it does not, another errno when it refuses any
    /// shared mapping of the file. Placed by the kernel and unmapped at once: a refusal leaves no hole.
    /// MAP_SHARED_VALIDATE makes the kernel refuse MAP_SYNC instead of silently ignoring it. <paramref name="length"/>
    /// is a multiple of a device DAX's alignment (which refuses shorter mappings), address space only.
    /// </summary>
    private static int ProbeMapSync(int fd, long offset, nuint length, int prot)
    {
        nint probe = Interop.Libc.mmap(0, length, prot, Interop.Libc.MAP_SHARED_VALIDATE | Interop.Libc.MAP_SYNC, fd, offset);
        if (probe == Interop.Libc.MAP_FAILED)
        {
            return Marshal.GetLastPInvokeError();
        }

        Interop.Libc.munmap(probe, length);
        return 0;
    }

    /// <summary>
    /// After a failed MAP_FIXED mmap at <paramref name="target"/>: true when <c>[target, target + length)</c> is again
    /// this reservation's (still reserved, or a hole taken back with MAP_FIXED_NOREPLACE), false when part of it is a
    /// hole that another mapping of the process now uses (it must not be touched).
    /// </summary>
    private static bool Reclaim(nint target, nuint length)
    {
        nint again = Interop.Libc.mmap(
            target,
            length,
            Interop.Libc.PROT_NONE,
            Interop.Libc.MAP_PRIVATE | Interop.Libc.MAP_ANONYMOUS | Interop.Libc.MAP_NORESERVE | Interop.Libc.MAP_FIXED_NOREPLACE,
            fd: -1,
            offset: 0);
        if (again == target)
        {
            return true; // the whole range was a hole: reserved again
        }

        if (again != Interop.Libc.MAP_FAILED)
        {
            // A kernel older than MAP_FIXED_NOREPLACE (4.17) took it as a hint and mapped elsewhere.
            Interop.Libc.munmap(again, length);
        }

        // Occupied: by the reservation itself when every page of the range is mapped (the kernel refused before
        // taking it down). A hole anywhere (msync's ENOMEM) means another mapping may sit in it.
        return Interop.Libc.msync(target, length, Interop.Libc.MS_ASYNC) == 0;
    }

    /// <summary>Unmaps what a failed Map reserved, except any part of the target range that is no longer its own.</summary>
    private static void ReleaseAfterFailure(nint reservation, nuint reserveLength, nint target, nuint mapLength)
    {
        ReleaseEnds(reservation, reserveLength, target, mapLength);
        if (Reclaim(target, mapLength))
        {
            Interop.Libc.munmap(target, mapLength);
        }
    }

    /// <summary>Unmaps the parts of the reservation before and after <c>[target, target + mapLength)</c>.</summary>
    private static void ReleaseEnds(nint reservation, nuint reserveLength, nint target, nuint mapLength)
    {
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
    }

    /// <summary>Undoes a successful <see cref="Map(int, long, long, long, nint?, int, bool)"/> (the caller failed after it).</summary>
    internal static void Unmap(Result mapped)
    {
        int result = Interop.Libc.munmap(mapped.Address, mapped.MappedLength);
        Debug.Assert(result == 0, "munmap of a range Map returned");
    }
}
