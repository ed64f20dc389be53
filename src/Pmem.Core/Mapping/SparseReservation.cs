using System;
using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Threading;

namespace Pmem;

/// <summary>
/// Which pages of a sparse file's mapping are known to have storage behind them, so that Pmem's own stores never meet
/// an unallocated page on a full file system (a store there raises SIGBUS, which kills a .NET process).
/// </summary>
/// <remarks>
/// <para>Before storing, <see cref="Reserve"/> checks one bit per page; pages not yet reserved are faulted in writable
/// with <c>madvise(MADV_POPULATE_WRITE)</c>, which allocates their blocks (or tmpfs pages) without changing a byte and
/// fails with EFAULT where a store would have raised SIGBUS. Once a page is reserved it stays so (Pmem never punches
/// holes), so steady-state writes cost a few loads and no system call.</para>
/// <para>Bits are set with an atomic OR after a successful populate; a stale clear bit only repeats a harmless populate.</para>
/// </remarks>
internal sealed unsafe class SparseReservation
{
    private const int PageShift = 12;

    private readonly byte* _base;
    private readonly ulong[] _reserved;

    internal SparseReservation(byte* baseAddress, long length)
    {
        Debug.Assert(PageFlush.PageSize == 1u << PageShift, "4 KiB pages on x86-64 Linux");
        _base = baseAddress;
        long pages = (length + (1L << PageShift) - 1) >> PageShift;
        _reserved = new ulong[(pages + 63) >> 6];
    }

    /// <summary>Makes sure every page of <c>[offset, offset + length)</c> has storage; returns 0 or an errno (ENOSPC, ...).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal int Reserve(long offset, long length)
    {
        if (length == 0)
        {
            return 0;
        }

        long first = offset >> PageShift;
        long last = (offset + length - 1) >> PageShift;
        if (first >> 6 == last >> 6)
        {
            ulong mask = (ulong.MaxValue >> (int)(63 - (last - first))) << (int)(first & 63);
            if ((Volatile.Read(ref _reserved[first >> 6]) & mask) == mask)
            {
                return 0;
            }
        }

        return ReserveSlow(first, last);
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private int ReserveSlow(long first, long last)
    {
        long page = first;
        while (page <= last)
        {
            if (IsReserved(page))
            {
                page++;
                continue;
            }

            long runEnd = page;
            while (runEnd < last && !IsReserved(runEnd + 1))
            {
                runEnd++;
            }

            int errno = Populate(page, runEnd);
            if (errno != 0)
            {
                return errno;
            }

            for (long p = page; p <= runEnd; p++)
            {
                Interlocked.Or(ref _reserved[p >> 6], 1UL << (int)(p & 63));
            }

            page = runEnd + 1;
        }

        return 0;
    }

    private bool IsReserved(long page) => (Volatile.Read(ref _reserved[page >> 6]) & (1UL << (int)(page & 63))) != 0;

    private int Populate(long first, long last)
    {
        nint start = (nint)(_base + (first << PageShift));
        nuint length = (nuint)((last - first + 1) << PageShift);
        while (Interop.Libc.madvise(start, length, Interop.Libc.MADV_POPULATE_WRITE) != 0)
        {
            int errno = Marshal.GetLastPInvokeError();
            switch (errno)
            {
                case Interop.Errno.EINTR or Interop.Errno.EAGAIN:
                    continue;
                case Interop.Errno.EINVAL:
                    // A kernel before 5.14 has no MADV_POPULATE_WRITE: Pmem cannot reserve, stores work as before.
                    return 0;
                case Interop.Errno.EFAULT:
                    // A store would have raised SIGBUS: the file system could not allocate the page.
                    return Interop.Errno.ENOSPC;
                default:
                    return errno;
            }
        }

        return 0;
    }
}
