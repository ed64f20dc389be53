using System.Runtime.CompilerServices;
using unsafe FlushStub = delegate* unmanaged[SuppressGCTransition]<byte*, nuint, void>;

namespace Pmem;

/// <summary>
/// Overlap-safe copy with ordinary (temporal) stores, optionally followed by a flush of every line it touched
/// (libpmem's <c>memmove_mov_*</c>).
/// </summary>
/// <remarks>
/// <para>Less than 64 bytes are written by <see cref="SmallStores"/> alone. Longer copies go forward or backward as
/// <see cref="NonTemporalMove"/> does: the partial line up to the destination's 64-byte boundary, whole lines by
/// <see cref="LineBlocks"/> with aligned vector stores (<see cref="TemporalLineStore"/>; the same blocks as the
/// non-temporal engine, whose loop differs only in the store), then the last partial line. Aligned stores never
/// split a line, and the direction and load-before-store order keep overlapping ranges correct.</para>
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

        nuint body = length & ~(nuint)63;
        LineBlocks.CopyForward<TLine, TemporalLineStore>(dest, src, body);
        if (length != body)
        {
            SmallStores.Move<TLine>(dest + body, src + body, length - body);
        }
    }

    private static void Backward<TLine>(byte* dest, byte* src, nuint length)
        where TLine : struct, IVectorLine<TLine>
    {
        nuint head = (nuint)(dest + length) & 63;
        if (head != 0)
        {
            length -= head;
            SmallStores.Move<TLine>(dest + length, src + length, head);
        }

        nuint body = length & ~(nuint)63;
        LineBlocks.CopyBackward<TLine, TemporalLineStore>(dest + length - body, src + length - body, body);
        if (length != body)
        {
            SmallStores.Move<TLine>(dest, src, length - body);
        }
    }
}
