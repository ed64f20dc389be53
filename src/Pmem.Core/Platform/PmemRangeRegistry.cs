using System;
using System.Collections.Generic;
using System.Threading;

namespace Pmem;

/// <summary>
/// The address ranges Pmem mapped as pmem (MAP_SYNC or device DAX), as libpmem's range tracking keeps them:
/// is-pmem is true only for ranges wholly inside them. Readers see an immutable sorted array; writers copy.
/// </summary>
internal static class PmemRangeRegistry
{
    private static PmemRange[] s_ranges = [];
    private static readonly Lock s_writeLock = new();

    internal static void Register(PmemRange range)
    {
        lock (s_writeLock)
        {
            var list = new List<PmemRange>(s_ranges) { range };
            list.Sort((a, b) => a.Start.CompareTo(b.Start));
            Volatile.Write(ref s_ranges, list.ToArray());
        }
    }

    internal static void Unregister(nuint start)
    {
        lock (s_writeLock)
        {
            Volatile.Write(ref s_ranges, Array.FindAll(s_ranges, r => r.Start != start));
        }
    }

    /// <summary>True when every byte of <c>[start, start + length)</c> lies in registered ranges; false for length 0.</summary>
    internal static bool Covers(nuint start, nuint length)
    {
        if (length == 0)
        {
            return false;
        }

        nuint end = start + length;
        if (end < start)
        {
            return false;
        }

        nuint cursor = start;
        foreach (PmemRange r in Volatile.Read(ref s_ranges))
        {
            if (r.End <= cursor)
            {
                continue;
            }

            if (r.Start > cursor)
            {
                return false;
            }

            cursor = r.End;
            if (cursor >= end)
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>
    /// Splits <c>[start, start + length)</c> into pieces: registered parts with their range, and the gaps
    /// (reported with <see langword="null"/>), in address order.
    /// </summary>
    internal static void Walk(nuint start, nuint length, Action<nuint, nuint, PmemRange?> visit)
    {
        nuint end = start + length;
        nuint cursor = start;
        foreach (PmemRange r in Volatile.Read(ref s_ranges))
        {
            if (r.End <= cursor)
            {
                continue;
            }

            if (r.Start >= end)
            {
                break;
            }

            if (r.Start > cursor)
            {
                visit(cursor, r.Start - cursor, null);
                cursor = r.Start;
            }

            nuint pieceEnd = Math.Min(r.End, end);
            visit(cursor, pieceEnd - cursor, r);
            cursor = pieceEnd;
        }

        if (cursor < end)
        {
            visit(cursor, end - cursor, null);
        }
    }
}
