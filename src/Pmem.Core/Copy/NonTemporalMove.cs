using System;
using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using unsafe FlushStub = delegate* unmanaged[SuppressGCTransition]<byte*, nuint, void>;

namespace Pmem;

/// <summary>
/// Overlap-safe copy whose whole destination lines are written with non-temporal stores (libpmem's
/// <c>memmove_movnt_*</c>). No fence at the end: the caller decides whether one is needed.
/// </summary>
/// <remarks>
/// <para>Shape, and why each step exists:</para>
/// <list type="number">
/// <item><b>Direction.</b> Forward when <c>dest - src ≥ length</c> as unsigned numbers (the destination starts
/// before the source, or the ranges are disjoint), backward otherwise. Every block loads all its source lines before
/// it stores any, and blocks advance away from the bytes not yet read, so overlapping ranges copy correctly.</item>
/// <item><b>Head.</b> The bytes up to the destination's next 64-byte boundary (its previous boundary, going
/// backward) are written with ordinary stores and their line is flushed. Non-temporal vector stores must be aligned
/// and should cover whole lines: a partial-line streaming store is slow and, for the bytes of the line it leaves
/// out, meaningless. The head's line also holds bytes outside the range, which must stay as they are.</item>
/// <item><b>Body.</b> Whole lines, by <see cref="LineBlocks"/> with <see cref="NonTemporalLineStore"/>: unaligned
/// loads from the source (its alignment is whatever the caller's is), aligned <c>StoreAlignedNonTemporal</c> to the
/// destination, in blocks whose lines are all loaded before any is stored (<see cref="LineBlocks"/> gives the block
/// sizes and the measurements behind them). Streaming stores bypass the cache, so the lines need no flush: the data
/// goes to memory through the write-combining buffers, and an SFENCE (the drain, or the caller's own) completes
/// it.</item>
/// <item><b>Write-combining barrier.</b> With the workaround on (libpmem's default on Intel CPUs) the SSE2 and AVX
/// paths fence after every 12 lines (768 bytes): those CPUs have about 12 write-combining buffers, and partially
/// written lines evicted early cost a read-modify-write each. The AVX-512 path writes a whole line per store, so
/// libpmem (and Pmem) never fence it. The fence is not free: on the Xeon measured (a KVM guest), the AVX path copied
/// 1 MiB at 2-3 GB/s with it and about 10 GB/s without it, libpmem's AVX path alike; <c>PMEM_WC_WORKAROUND=0</c>
/// turns it off.</item>
/// <item><b>Tail.</b> What is left of the last line: exactly 4, 8, 16 or 32 bytes go out as one non-temporal store
/// (one instruction, no flush); anything else is written with ordinary stores and its line flushed, as the head.</item>
/// </list>
/// <para><b>The 8-byte store guarantee.</b> When <c>dest</c> and <c>length</c> are multiples of 8, the head and the
/// tail are multiples of 8 too (the line boundary is one), so <see cref="SmallStores"/> writes them with stores of
/// at least 8 bytes at multiples of 8; the body stores whole lines; the single-store tail is then 8, 16 or 32
/// bytes (never 4).</para>
/// </remarks>
internal static unsafe class NonTemporalMove
{
    /// <summary>Bytes between write-combining fences: 12 lines, libpmem's <c>PERF_BARRIER_SIZE</c>.</summary>
    internal const nuint WcBarrierBytes = 12 * 64;

    /// <summary>Copies <paramref name="length"/> bytes; the ranges may overlap.</summary>
    /// <param name="dest">Destination.</param>
    /// <param name="src">Source.</param>
    /// <param name="length">Bytes to copy.</param>
    /// <param name="flush">Flushes the head and tail lines; null when flushes are off (eADR).</param>
    /// <param name="wcBarrier">Fence every <see cref="WcBarrierBytes"/> of the body (only honoured by widths that take the workaround).</param>
    /// <returns>The width that ran.</returns>
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    internal static CopyIsa Move<TLine>(byte* dest, byte* src, nuint length, FlushStub flush, bool wcBarrier)
        where TLine : struct, IVectorLine<TLine>
    {
        wcBarrier &= TLine.HonoursWcWorkaround;
        if ((nuint)dest - (nuint)src >= length)
        {
            Forward<TLine>(dest, src, length, flush, wcBarrier);
        }
        else
        {
            Backward<TLine>(dest, src, length, flush, wcBarrier);
        }

        return TLine.Isa;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Forward<TLine>(byte* dest, byte* src, nuint length, FlushStub flush, bool wcBarrier)
        where TLine : struct, IVectorLine<TLine>
    {
        nuint head = (0 - (nuint)dest) & 63;
        if (head != 0)
        {
            head = Math.Min(head, length);
            SmallStores.Move<TLine>(dest, src, head);
            if (flush != null)
            {
                flush(dest, head);
            }

            dest += head;
            src += head;
            length -= head;
        }

        if (wcBarrier)
        {
            while (length >= WcBarrierBytes)
            {
                LineBlocks.CopyForward<TLine, NonTemporalLineStore>(dest, src, WcBarrierBytes);
                dest += WcBarrierBytes;
                src += WcBarrierBytes;
                length -= WcBarrierBytes;
                if (length != 0)
                {
                    Sse.StoreFence();
                }
            }
        }

        nuint body = length & ~(nuint)63;
        LineBlocks.CopyForward<TLine, NonTemporalLineStore>(dest, src, body);
        dest += body;
        src += body;
        length -= body;

        if (length != 0)
        {
            Tail<TLine>(dest, src, length, flush);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Backward<TLine>(byte* dest, byte* src, nuint length, FlushStub flush, bool wcBarrier)
        where TLine : struct, IVectorLine<TLine>
    {
        dest += length;
        src += length;
        nuint head = (nuint)dest & 63;
        if (head != 0)
        {
            head = Math.Min(head, length);
            dest -= head;
            src -= head;
            length -= head;
            SmallStores.Move<TLine>(dest, src, head);
            if (flush != null)
            {
                flush(dest, head);
            }
        }

        if (wcBarrier)
        {
            while (length >= WcBarrierBytes)
            {
                dest -= WcBarrierBytes;
                src -= WcBarrierBytes;
                length -= WcBarrierBytes;
                LineBlocks.CopyBackward<TLine, NonTemporalLineStore>(dest, src, WcBarrierBytes);
                if (length != 0)
                {
                    Sse.StoreFence();
                }
            }
        }

        nuint body = length & ~(nuint)63;
        dest -= body;
        src -= body;
        length -= body;
        LineBlocks.CopyBackward<TLine, NonTemporalLineStore>(dest, src, body);

        if (length != 0)
        {
            Tail<TLine>(dest - length, src - length, length, flush);
        }
    }

    /// <summary>The last partial line, <paramref name="dest"/> 64-byte aligned (forward) or ending on a boundary (backward).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static void Tail<TLine>(byte* dest, byte* src, nuint length, FlushStub flush)
        where TLine : struct, IVectorLine<TLine>
    {
        Debug.Assert(length is > 0 and < 64, "a tail is a partial line");
        switch (length)
        {
            case 32:
                if (TLine.Has256BitVectors)
                {
                    Vector256.Load(src).StoreAlignedNonTemporal(dest);
                }
                else
                {
                    var a = Vector128.Load(src);
                    var b = Vector128.Load(src + 16);
                    a.StoreAlignedNonTemporal(dest);
                    b.StoreAlignedNonTemporal(dest + 16);
                }

                return;
            case 16:
                Vector128.Load(src).StoreAlignedNonTemporal(dest);
                return;
            case 8:
                Sse2.X64.StoreNonTemporal((ulong*)dest, Unsafe.ReadUnaligned<ulong>(src));
                return;
            case 4:
                Sse2.StoreNonTemporal((uint*)dest, Unsafe.ReadUnaligned<uint>(src));
                return;
            default:
                SmallStores.Move<TLine>(dest, src, length);
                if (flush != null)
                {
                    flush(dest, length);
                }

                return;
        }
    }
}
