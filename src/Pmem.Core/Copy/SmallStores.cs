using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace Pmem;

/// <summary>
/// Temporal copy and fill of at most 64 bytes without a loop: two (or, with 128-bit vectors only, three or four)
/// possibly overlapping stores of the widest size that fits. Used alone for short ranges and for the unaligned
/// head and tail of longer ones.
/// </summary>
/// <remarks>
/// <para>Every source byte is loaded before the first store, so a copy between overlapping ranges is correct in
/// either direction.</para>
/// <para><b>The 8-byte store guarantee.</b> Store widths are chosen from the length alone: 8 to 16 bytes use two
/// 8-byte stores at <c>dest</c> and <c>dest + length - 8</c>; 17 to 64 bytes use 16- or 32-byte stores at
/// <c>dest</c>, <c>dest + 16</c>, <c>dest + 32</c> and <c>dest + length - 16</c> or <c>- 32</c>. Stores narrower than
/// 8 bytes happen only for lengths below 8. So when <c>dest</c> and <c>length</c> are multiples of 8, every store is
/// at least 8 bytes wide and starts at a multiple of 8: no aligned 8-byte word is ever written in pieces. (libpmem's
/// own small routine writes exactly 8 bytes as two 4-byte stores; this one does not.)</para>
/// </remarks>
internal static unsafe class SmallStores
{
    /// <summary>Copies <paramref name="length"/> (at most 64) bytes; the ranges may overlap.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static void Move<TLine>(byte* dest, byte* src, nuint length)
        where TLine : struct, IVectorLine<TLine>
    {
        Debug.Assert(length <= 64, "small stores cover at most one line");
        if (length > 32)
        {
            if (TLine.Has256BitVectors)
            {
                var a = Vector256.Load(src);
                var b = Vector256.Load(src + length - 32);
                a.Store(dest);
                b.Store(dest + length - 32);
            }
            else if (length > 48)
            {
                var a = Vector128.Load(src);
                var b = Vector128.Load(src + 16);
                var c = Vector128.Load(src + 32);
                var d = Vector128.Load(src + length - 16);
                a.Store(dest);
                b.Store(dest + 16);
                c.Store(dest + 32);
                d.Store(dest + length - 16);
            }
            else
            {
                var a = Vector128.Load(src);
                var b = Vector128.Load(src + 16);
                var c = Vector128.Load(src + length - 16);
                a.Store(dest);
                b.Store(dest + 16);
                c.Store(dest + length - 16);
            }
        }
        else if (length > 16)
        {
            var a = Vector128.Load(src);
            var b = Vector128.Load(src + length - 16);
            a.Store(dest);
            b.Store(dest + length - 16);
        }
        else
        {
            MoveUpTo16(dest, src, length);
        }
    }

    /// <summary>Fills <paramref name="length"/> (at most 64) bytes with <paramref name="value"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static void Fill<TLine>(byte* dest, byte value, nuint length)
        where TLine : struct, IVectorLine<TLine>
    {
        Debug.Assert(length <= 64, "small stores cover at most one line");
        if (length > 32)
        {
            if (TLine.Has256BitVectors)
            {
                var v = Vector256.Create(value);
                v.Store(dest);
                v.Store(dest + length - 32);
            }
            else
            {
                var v = Vector128.Create(value);
                v.Store(dest);
                v.Store(dest + 16);
                if (length > 48)
                {
                    v.Store(dest + 32);
                }

                v.Store(dest + length - 16);
            }
        }
        else if (length > 16)
        {
            var v = Vector128.Create(value);
            v.Store(dest);
            v.Store(dest + length - 16);
        }
        else
        {
            FillUpTo16(dest, value, length);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void MoveUpTo16(byte* dest, byte* src, nuint length)
    {
        if (length >= 8)
        {
            ulong a = Unsafe.ReadUnaligned<ulong>(src);
            ulong b = Unsafe.ReadUnaligned<ulong>(src + length - 8);
            Unsafe.WriteUnaligned(dest, a);
            Unsafe.WriteUnaligned(dest + length - 8, b);
        }
        else if (length >= 4)
        {
            uint a = Unsafe.ReadUnaligned<uint>(src);
            uint b = Unsafe.ReadUnaligned<uint>(src + length - 4);
            Unsafe.WriteUnaligned(dest, a);
            Unsafe.WriteUnaligned(dest + length - 4, b);
        }
        else if (length >= 2)
        {
            ushort a = Unsafe.ReadUnaligned<ushort>(src);
            ushort b = Unsafe.ReadUnaligned<ushort>(src + length - 2);
            Unsafe.WriteUnaligned(dest, a);
            Unsafe.WriteUnaligned(dest + length - 2, b);
        }
        else if (length == 1)
        {
            *dest = *src;
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void FillUpTo16(byte* dest, byte value, nuint length)
    {
        ulong pattern = value * 0x0101_0101_0101_0101UL;
        if (length >= 8)
        {
            Unsafe.WriteUnaligned(dest, pattern);
            Unsafe.WriteUnaligned(dest + length - 8, pattern);
        }
        else if (length >= 4)
        {
            Unsafe.WriteUnaligned(dest, (uint)pattern);
            Unsafe.WriteUnaligned(dest + length - 4, (uint)pattern);
        }
        else if (length >= 2)
        {
            Unsafe.WriteUnaligned(dest, (ushort)pattern);
            Unsafe.WriteUnaligned(dest + length - 2, (ushort)pattern);
        }
        else if (length == 1)
        {
            *dest = value;
        }
    }
}
