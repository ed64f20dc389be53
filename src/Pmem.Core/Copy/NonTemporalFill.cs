using System;
using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using unsafe FlushStub = delegate* unmanaged[SuppressGCTransition]<byte*, nuint, void>;

namespace Pmem;

/// <summary>
/// Fill whose whole destination lines are written with non-temporal stores (libpmem's <c>memset_movnt_*</c>).
/// No fence at the end: the caller decides whether one is needed.
/// </summary>
/// <remarks>
/// The shape and its reasons are those of <see cref="NonTemporalMove"/>: a temporal head up to the next 64-byte
/// boundary (flushed), aligned streaming stores of whole lines by <see cref="LineBlocks.Fill"/> with
/// <see cref="NonTemporalLineStore"/> (fenced every 12 lines on the SSE2 and AVX paths when the write-combining
/// workaround is on), and a tail that is one streaming store when it is exactly
/// 4, 8, 16 or 32 bytes, else temporal stores and a flush. The 8-byte store guarantee holds for the same reasons.
/// </remarks>
internal static unsafe class NonTemporalFill
{
    /// <summary>Fills <paramref name="length"/> bytes with <paramref name="value"/>.</summary>
    /// <param name="dest">Destination.</param>
    /// <param name="value">The byte to store.</param>
    /// <param name="length">Bytes to fill.</param>
    /// <param name="flush">Flushes the head and tail lines; null when flushes are off (eADR).</param>
    /// <param name="wcBarrier">Fence every <see cref="NonTemporalMove.WcBarrierBytes"/> of the body (only honoured by widths that take the workaround).</param>
    /// <returns>The width that ran.</returns>
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    internal static CopyIsa Fill<TLine>(byte* dest, byte value, nuint length, FlushStub flush, bool wcBarrier)
        where TLine : struct, IVectorLine<TLine>
    {
        wcBarrier &= TLine.HonoursWcWorkaround;
        nuint head = (0 - (nuint)dest) & 63;
        if (head != 0)
        {
            head = Math.Min(head, length);
            SmallStores.Fill<TLine>(dest, value, head);
            if (flush != null)
            {
                flush(dest, head);
            }

            dest += head;
            length -= head;
        }

        TLine line = TLine.Broadcast(value);
        if (wcBarrier)
        {
            while (length >= NonTemporalMove.WcBarrierBytes)
            {
                LineBlocks.Fill<TLine, NonTemporalLineStore>(line, dest, NonTemporalMove.WcBarrierBytes);
                dest += NonTemporalMove.WcBarrierBytes;
                length -= NonTemporalMove.WcBarrierBytes;
                if (length != 0)
                {
                    Sse.StoreFence();
                }
            }
        }

        nuint body = length & ~(nuint)63;
        LineBlocks.Fill<TLine, NonTemporalLineStore>(line, dest, body);
        dest += body;
        length -= body;

        if (length != 0)
        {
            Tail<TLine>(dest, value, length, flush);
        }

        return TLine.Isa;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static void Tail<TLine>(byte* dest, byte value, nuint length, FlushStub flush)
        where TLine : struct, IVectorLine<TLine>
    {
        Debug.Assert(length is > 0 and < 64, "a tail is a partial line");
        Debug.Assert(((nuint)dest & 63) == 0, "the tail starts on a line boundary");
        switch (length)
        {
            case 32:
                if (TLine.Has256BitVectors)
                {
                    Vector256.Create(value).StoreAlignedNonTemporal(dest);
                }
                else
                {
                    var v = Vector128.Create(value);
                    v.StoreAlignedNonTemporal(dest);
                    v.StoreAlignedNonTemporal(dest + 16);
                }

                return;
            case 16:
                Vector128.Create(value).StoreAlignedNonTemporal(dest);
                return;
            case 8:
                Sse2.X64.StoreNonTemporal((ulong*)dest, value * 0x0101_0101_0101_0101UL);
                return;
            case 4:
                Sse2.StoreNonTemporal((uint*)dest, value * 0x0101_0101u);
                return;
            default:
                SmallStores.Fill<TLine>(dest, value, length);
                if (flush != null)
                {
                    flush(dest, length);
                }

                return;
        }
    }
}
