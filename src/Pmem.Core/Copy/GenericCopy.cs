using System;
using System.Runtime.CompilerServices;

namespace Pmem;

/// <summary>
/// The copy and fill used when non-temporal stores are off (<c>PMEM_NO_MOVNT=1</c>, or no SSE2): scalar code whose
/// only purpose is libpmem's 8-byte store guarantee (libpmem's <c>memops_generic.c</c>). No flush; the caller
/// flushes.
/// </summary>
/// <remarks>
/// <b>The 8-byte store guarantee.</b> Single-byte stores happen only before the destination reaches an 8-byte
/// boundary and after the last whole 8-byte word; everything in between is written as aligned 8-byte words
/// (<c>ulong</c> stores to an 8-byte aligned address, which x86-64 performs as one access). When <c>dest</c> and
/// <c>length</c> are multiples of 8 neither byte loop runs. Sources are read with unaligned 8-byte loads.
/// Direction as for the vector engines: forward when <c>dest - src ≥ length</c> (unsigned), else backward; each
/// group of eight words is loaded before it is stored.
/// </remarks>
internal static unsafe class GenericCopy
{
    /// <summary>Copies <paramref name="length"/> bytes; the ranges may overlap.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static void Move(byte* dest, byte* src, nuint length)
    {
        if ((nuint)dest - (nuint)src >= length)
        {
            Forward(dest, src, length);
        }
        else
        {
            Backward(dest, src, length);
        }
    }

    /// <summary>Fills <paramref name="length"/> bytes with <paramref name="value"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static void Fill(byte* dest, byte value, nuint length)
    {
        nuint head = Math.Min((0 - (nuint)dest) & 7, length);
        for (nuint i = 0; i < head; i++)
        {
            dest[i] = value;
        }

        dest += head;
        length -= head;
        ulong pattern = value * 0x0101_0101_0101_0101UL;
        var words = (ulong*)dest;
        while (length >= 64)
        {
            words[0] = pattern;
            words[1] = pattern;
            words[2] = pattern;
            words[3] = pattern;
            words[4] = pattern;
            words[5] = pattern;
            words[6] = pattern;
            words[7] = pattern;
            words += 8;
            length -= 64;
        }

        while (length >= 8)
        {
            *words++ = pattern;
            length -= 8;
        }

        dest = (byte*)words;
        for (nuint i = 0; i < length; i++)
        {
            dest[i] = value;
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Forward(byte* dest, byte* src, nuint length)
    {
        nuint head = Math.Min((0 - (nuint)dest) & 7, length);
        for (nuint i = 0; i < head; i++)
        {
            dest[i] = src[i];
        }

        dest += head;
        src += head;
        length -= head;
        while (length >= 64)
        {
            Words8((ulong*)dest, src);
            dest += 64;
            src += 64;
            length -= 64;
        }

        while (length >= 8)
        {
            *(ulong*)dest = Unsafe.ReadUnaligned<ulong>(src);
            dest += 8;
            src += 8;
            length -= 8;
        }

        for (nuint i = 0; i < length; i++)
        {
            dest[i] = src[i];
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Backward(byte* dest, byte* src, nuint length)
    {
        dest += length;
        src += length;
        nuint head = Math.Min((nuint)dest & 7, length);
        for (nuint i = 1; i <= head; i++)
        {
            *(dest - i) = *(src - i);
        }

        dest -= head;
        src -= head;
        length -= head;
        while (length >= 64)
        {
            dest -= 64;
            src -= 64;
            length -= 64;
            Words8((ulong*)dest, src);
        }

        while (length >= 8)
        {
            dest -= 8;
            src -= 8;
            length -= 8;
            *(ulong*)dest = Unsafe.ReadUnaligned<ulong>(src);
        }

        for (nuint i = 1; i <= length; i++)
        {
            *(dest - i) = *(src - i);
        }
    }

    /// <summary>Eight 8-byte words: all loaded, then all stored, so overlap within the group cannot corrupt it.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Words8(ulong* dest, byte* src)
    {
        ulong w0 = Unsafe.ReadUnaligned<ulong>(src);
        ulong w1 = Unsafe.ReadUnaligned<ulong>(src + 8);
        ulong w2 = Unsafe.ReadUnaligned<ulong>(src + 16);
        ulong w3 = Unsafe.ReadUnaligned<ulong>(src + 24);
        ulong w4 = Unsafe.ReadUnaligned<ulong>(src + 32);
        ulong w5 = Unsafe.ReadUnaligned<ulong>(src + 40);
        ulong w6 = Unsafe.ReadUnaligned<ulong>(src + 48);
        ulong w7 = Unsafe.ReadUnaligned<ulong>(src + 56);
        dest[0] = w0;
        dest[1] = w1;
        dest[2] = w2;
        dest[3] = w3;
        dest[4] = w4;
        dest[5] = w5;
        dest[6] = w6;
        dest[7] = w7;
    }
}
