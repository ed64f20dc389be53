using System;
using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using unsafe FlushStub = delegate* unmanaged[SuppressGCTransition]<byte*, nuint, void>;
using unsafe LineLoop = delegate* unmanaged[SuppressGCTransition]<byte*, byte*, nuint, void>;

namespace Pmem;

/// <summary>
/// Non-temporal copy and fill whose whole destination lines are written by MOVDIR64B (libpmem's
/// <c>memmove_movnt_movdir64b_*</c> / <c>memset_movnt_movdir64b_*</c>, behind <c>PMEM_MOVDIR64B=1</c>). No fence at
/// the end: the caller decides, exactly as for <see cref="NonTemporalMove"/>.
/// </summary>
/// <remarks>
/// <para>The shape is <see cref="NonTemporalMove"/>'s, with the body replaced: the head up to the destination's
/// 64-byte boundary is written with ordinary stores of the configured width and its line flushed; every whole line
/// after it is one MOVDIR64B (<see cref="Movdir64BStubs"/>: a 64-byte direct store, which needs the 64-byte aligned
/// destination the head gives it and takes the source at any alignment); the tail is
/// <see cref="NonTemporalMove"/>'s (one streaming store for exactly 4, 8, 16 or 32 bytes, else ordinary stores and a
/// flush). There is no write-combining fence: each MOVDIR64B writes a whole line at once, as libpmem's MOVDIR64B and
/// AVX-512 paths also assume.</para>
/// <para>Fills give MOVDIR64B one 64-byte line of the value, on the stack, as source for every destination line.</para>
/// <para>The 8-byte store guarantee holds for the same reasons as in <see cref="NonTemporalMove"/>: head and tail are
/// the same code, and the body writes whole lines.</para>
/// </remarks>
internal static unsafe class Movdir64BCopy
{
    /// <summary>Copies <paramref name="length"/> bytes; the ranges may overlap.</summary>
    /// <param name="dest">Destination.</param>
    /// <param name="src">Source.</param>
    /// <param name="length">Bytes to copy.</param>
    /// <param name="flush">Flushes the head and tail lines; null when flushes are off (eADR).</param>
    /// <param name="forward">The forward MOVDIR64B loop.</param>
    /// <param name="backward">The backward MOVDIR64B loop.</param>
    /// <returns>The width of the head and tail stores.</returns>
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    internal static CopyIsa Move<TLine>(byte* dest, byte* src, nuint length, FlushStub flush, LineLoop forward, LineLoop backward)
        where TLine : struct, IVectorLine<TLine>
    {
        Debug.Assert(forward != null && backward != null, "the stubs exist when MOVDIR64B is in use");
        if ((nuint)dest - (nuint)src >= length)
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

            nuint body = length & ~(nuint)63;
            Debug.Assert(body == 0 || ((nuint)dest & 63) == 0, "MOVDIR64B needs a 64-byte aligned destination");
            forward(dest, src, body);
            dest += body;
            src += body;
            length -= body;
            if (length != 0)
            {
                NonTemporalMove.Tail<TLine>(dest, src, length, flush);
            }
        }
        else
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

            nuint body = length & ~(nuint)63;
            dest -= body;
            src -= body;
            length -= body;
            Debug.Assert(body == 0 || ((nuint)dest & 63) == 0, "MOVDIR64B needs a 64-byte aligned destination");
            backward(dest, src, body);
            if (length != 0)
            {
                NonTemporalMove.Tail<TLine>(dest - length, src - length, length, flush);
            }
        }

        return TLine.Isa;
    }

    /// <summary>Fills <paramref name="length"/> bytes with <paramref name="value"/>.</summary>
    /// <param name="dest">Destination.</param>
    /// <param name="value">The byte to store.</param>
    /// <param name="length">Bytes to fill.</param>
    /// <param name="flush">Flushes the head and tail lines; null when flushes are off (eADR).</param>
    /// <param name="fill">The MOVDIR64B fill loop.</param>
    /// <returns>The width of the head and tail stores.</returns>
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    internal static CopyIsa Fill<TLine>(byte* dest, byte value, nuint length, FlushStub flush, LineLoop fill)
        where TLine : struct, IVectorLine<TLine>
    {
        Debug.Assert(fill != null, "the stubs exist when MOVDIR64B is in use");
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

        nuint body = length & ~(nuint)63;
        if (body != 0)
        {
            Debug.Assert(((nuint)dest & 63) == 0, "MOVDIR64B needs a 64-byte aligned destination");
            Vector512<byte> line = Vector512.Create(value);
            fill(dest, (byte*)&line, body);
            dest += body;
            length -= body;
        }

        if (length != 0)
        {
            NonTemporalFill.Tail<TLine>(dest, value, length, flush);
        }

        return TLine.Isa;
    }
}
