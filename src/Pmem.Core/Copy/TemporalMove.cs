using System.Runtime.CompilerServices;
using unsafe FlushStub = delegate* unmanaged[SuppressGCTransition]<byte*, nuint, void>;

namespace Pmem;

/// <summary>
/// Overlap-safe copy with ordinary (temporal) stores, optionally followed by a flush of every line it touched
/// (libpmem's <c>memmove_mov_*</c>).
/// </summary>
/// <remarks>
/// <para>Less than 64 bytes are written by <see cref="SmallStores"/> alone. Longer copies go forward or backward as
/// <see cref="NonTemporalMove"/> does: the partial line up to the destination's 64-byte boundary, whole lines with
/// aligned vector stores (unaligned loads, four lines per step, all loads before the stores), then the last partial
/// line. Aligned stores never split a line, and the direction and load-before-store order keep overlapping ranges
/// correct.</para>
/// <para>Flushing: one stub call over the whole range when it is at most <see cref="FlushChunk"/> bytes (every copy
/// below the non-temporal threshold), otherwise one per chunk right after the chunk is written, so lines are written
/// back while they are still in the cache, as libpmem flushes each line just after storing it.</para>
/// <para>The 8-byte store guarantee holds: see <see cref="SmallStores"/> for the partial lines; whole lines are
/// 64-byte stores; chunk boundaries are line boundaries.</para>
/// </remarks>
internal static unsafe class TemporalMove
{
    /// <summary>Largest range copied before its lines are flushed (4 KiB: well inside L1, one stub call per 64 lines).</summary>
    internal const nuint FlushChunk = 4096;

    /// <summary>Copies <paramref name="length"/> bytes with temporal stores; no flush.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static void Move<TLine>(byte* dest, byte* src, nuint length)
        where TLine : struct, IVectorLine<TLine>
    {
        if (length < 64)
        {
            SmallStores.Move<TLine>(dest, src, length);
        }
        else if ((nuint)dest - (nuint)src >= length)
        {
            Forward<TLine>(dest, src, length);
        }
        else
        {
            Backward<TLine>(dest, src, length);
        }
    }

    /// <summary>Copies <paramref name="length"/> bytes with temporal stores and flushes every line written.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static void MoveAndFlush<TLine>(byte* dest, byte* src, nuint length, FlushStub flush)
        where TLine : struct, IVectorLine<TLine>
    {
        if (length <= FlushChunk)
        {
            Move<TLine>(dest, src, length);
            flush(dest, length);
        }
        else
        {
            MoveAndFlushChunked<TLine>(dest, src, length, flush);
        }
    }

    /// <summary>
    /// Chunks that end (going forward) or start (going backward) on a line boundary, processed in the copy's
    /// direction, so no chunk overwrites source bytes a later chunk still has to read.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void MoveAndFlushChunked<TLine>(byte* dest, byte* src, nuint length, FlushStub flush)
        where TLine : struct, IVectorLine<TLine>
    {
        if ((nuint)dest - (nuint)src >= length)
        {
            while (length > FlushChunk)
            {
                nuint n = FlushChunk - ((nuint)dest & 63);
                Move<TLine>(dest, src, n);
                flush(dest, n);
                dest += n;
                src += n;
                length -= n;
            }
        }
        else
        {
            while (length > FlushChunk)
            {
                nuint n = FlushChunk - 64 + ((nuint)(dest + length) & 63);
                length -= n;
                Move<TLine>(dest + length, src + length, n);
                flush(dest + length, n);
            }
        }

        Move<TLine>(dest, src, length);
        flush(dest, length);
    }

    private static void Forward<TLine>(byte* dest, byte* src, nuint length)
        where TLine : struct, IVectorLine<TLine>
    {
        nuint head = (0 - (nuint)dest) & 63;
        if (head != 0)
        {
            SmallStores.Move<TLine>(dest, src, head);
            dest += head;
            src += head;
            length -= head;
        }

        while (length >= 256)
        {
            Lines4<TLine>(dest, src);
            dest += 256;
            src += 256;
            length -= 256;
        }

        if (length >= 128)
        {
            Lines2<TLine>(dest, src);
            dest += 128;
            src += 128;
            length -= 128;
        }

        if (length >= 64)
        {
            TLine.StoreAligned(TLine.Load(src), dest);
            dest += 64;
            src += 64;
            length -= 64;
        }

        if (length != 0)
        {
            SmallStores.Move<TLine>(dest, src, length);
        }
    }

    private static void Backward<TLine>(byte* dest, byte* src, nuint length)
        where TLine : struct, IVectorLine<TLine>
    {
        dest += length;
        src += length;
        nuint head = (nuint)dest & 63;
        if (head != 0)
        {
            dest -= head;
            src -= head;
            length -= head;
            SmallStores.Move<TLine>(dest, src, head);
        }

        while (length >= 256)
        {
            dest -= 256;
            src -= 256;
            length -= 256;
            Lines4<TLine>(dest, src);
        }

        if (length >= 128)
        {
            dest -= 128;
            src -= 128;
            length -= 128;
            Lines2<TLine>(dest, src);
        }

        if (length >= 64)
        {
            dest -= 64;
            src -= 64;
            length -= 64;
            TLine.StoreAligned(TLine.Load(src), dest);
        }

        if (length != 0)
        {
            SmallStores.Move<TLine>(dest - length, src - length, length);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Lines4<TLine>(byte* dest, byte* src)
        where TLine : struct, IVectorLine<TLine>
    {
        TLine a = TLine.Load(src);
        TLine b = TLine.Load(src + 64);
        TLine c = TLine.Load(src + 128);
        TLine d = TLine.Load(src + 192);
        TLine.StoreAligned(a, dest);
        TLine.StoreAligned(b, dest + 64);
        TLine.StoreAligned(c, dest + 128);
        TLine.StoreAligned(d, dest + 192);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Lines2<TLine>(byte* dest, byte* src)
        where TLine : struct, IVectorLine<TLine>
    {
        TLine a = TLine.Load(src);
        TLine b = TLine.Load(src + 64);
        TLine.StoreAligned(a, dest);
        TLine.StoreAligned(b, dest + 64);
    }
}
