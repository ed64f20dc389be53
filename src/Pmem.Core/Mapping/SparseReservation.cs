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
/// holes), so a steady-state write within one page costs one load and one bit test, and no write makes a system
/// call once its pages are reserved.</para>
/// <para>Bits are set with an atomic OR after a successful populate; a stale clear bit only repeats a harmless populate.</para>
/// </remarks>
internal sealed unsafe class SparseReservation
{
    private const int PageShift = 12;

    private readonly byte* _base;

    /// <summary>One bit per page, on the pinned object heap, so <see cref="_bits"/> stays valid for its lifetime.</summary>
    private readonly ulong[] _reserved;

    /// <summary><see cref="_reserved"/>'s first element: the fast path reads it without a bounds check.</summary>
    private readonly ulong* _bits;

    /// <summary>Pages in the mapping (bits beyond it are never read: ranges are checked before).</summary>
    private readonly long _pages;

    internal SparseReservation(byte* baseAddress, long length)
    {
        Debug.Assert(PageFlush.PageSize == 1u << PageShift, "4 KiB pages on x86-64 Linux");
        _base = baseAddress;
        _pages = (length + (1L << PageShift) - 1) >> PageShift;
        _reserved = GC.AllocateArray<ulong>((int)((_pages + 63) >> 6), pinned: true);
        _bits = (ulong*)Unsafe.AsPointer(ref MemoryMarshal.GetArrayDataReference(_reserved));
    }

    /// <summary>Makes sure every page of <c>[offset, offset + length)</c> has storage; returns 0 or an errno (ENOSPC, ...).</summary>
    /// <remarks>
    /// The steady state (a range within one page, already reserved) is one load and one bit test; ranges that span
    /// pages, or pages not yet reserved, go to <see cref="ReserveSlow"/>. The caller has checked the range.
    /// </remarks>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal int Reserve(long offset, long length)
    {
        long first = offset >> PageShift;
        if (((offset + length - 1) >> PageShift) == first && length != 0)
        {
            Debug.Assert(first < _pages, "the range lies within the mapping");

            // Bit (first & 63) of its word: a shift count is taken modulo 64.
            if (((Volatile.Read(ref _bits[first >> 6]) >> (int)first) & 1) != 0)
            {
                return 0;
            }
        }

        return ReserveSlow(offset, length);
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private int ReserveSlow(long offset, long length)
    {
        if (length == 0)
        {
            return 0;
        }

        long first = offset >> PageShift;
        long last = (offset + length - 1) >> PageShift;
        Debug.Assert(last < _pages, "the range lies within the mapping");
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
                Interlocked.Or(ref _bits[p >> 6], 1UL << (int)(p & 63));
            }

            page = runEnd + 1;
        }

        return 0;
    }

    private bool IsReserved(long page) => ((Volatile.Read(ref _bits[page >> 6]) >> (int)page) & 1) != 0;

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
