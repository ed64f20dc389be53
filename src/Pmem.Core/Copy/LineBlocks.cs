using System.Diagnostics;
using System.Runtime.CompilerServices;

namespace Pmem;

/// <summary>
/// The whole-line loops every vector engine shares: copy (forward or backward) or fill a run of whole 64-byte lines
/// at a 64-byte aligned destination, with the registers of one width (<see cref="IVectorLine{TSelf}"/>) and the engine's
/// store kind (<see cref="TemporalLineStore"/> or <see cref="NonTemporalLineStore"/>). The engines handle the
/// partial lines around the run, the flushes and the fences.
/// </summary>
/// <remarks>
/// <para><b>Blocks.</b> A copy moves lines in blocks: every line of a block is loaded into a register before the
/// first one is stored. That is what makes overlapping moves correct (a block never overwrites source bytes it has
/// not read yet, and blocks advance away from the bytes not yet read), and it puts a whole block of loads in flight
/// before the first store. With AVX-512 (<see cref="IVectorLine{TSelf}.BlockLines"/> 8; a line is one of 32
/// registers) a run goes in blocks of 8 lines, except that a run of 16 to 31 lines starts with one block of 16; then
/// at most one block each of 4, 2 and 1 lines. The AVX and SSE2 widths need two or four registers per line and copy
/// four lines per block.</para>
/// <para><b>Order.</b> Inside a block the lines go in the copy's own direction (<see cref="ILineOrder"/>):
/// ascending forward, descending backward, so the source is read as one stream.</para>
/// <para><b>Why this shape.</b> A short run is bound by the latency of its uncached loads: one block of up to 16
/// lines puts them all in flight before the first store. A long run is a stream: 8-line blocks (4 for the narrower
/// widths) let the stores of one block overlap the loads of the next. Loading a backward block in descending order
/// keeps the source one stream. The measurements that chose this (block sizes and orders against libpmem) are in
/// docs/copy-loop.md.</para>
/// <para><b>Fills</b> have nothing to load: four aligned stores per step, whatever the width.</para>
/// <para><b>Code shape.</b> Runs shorter than four lines (every temporal copy below the non-temporal threshold) are
/// copied inline in the engine. Longer runs call <see cref="CopyForwardBlocks"/> or
/// <see cref="CopyBackwardBlocks"/>, compiled on their own and fully optimized from their first call: inlined into
/// an engine together with its heads, tails and the other direction, their line copies exceed the JIT's inlining
/// budget, and what no longer fits is left as a call per line. One call per copy of 256 bytes or more costs about a
/// nanosecond.</para>
/// </remarks>
internal static unsafe class LineBlocks
{
    /// <summary>Copies <paramref name="bytes"/> (a multiple of 64) from <paramref name="src"/> to the 64-byte aligned <paramref name="dest"/>, lowest block first.</summary>
    /// <remarks>Correct for overlapping ranges when <paramref name="dest"/> is below <paramref name="src"/> (or they are disjoint).</remarks>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static void CopyForward<TLine, TStore>(byte* dest, byte* src, nuint bytes)
        where TLine : struct, IVectorLine<TLine>
        where TStore : struct, ILineStore
    {
        Debug.Assert(((nuint)dest & 63) == 0 && (bytes & 63) == 0, "whole lines at an aligned destination");
        if (bytes >= 4 * 64)
        {
            CopyForwardBlocks<TLine, TStore>(dest, src, bytes);
            return;
        }

        if (bytes >= 2 * 64)
        {
            Lines2<TLine, TStore, Ascending>(dest, src);
            dest += 2 * 64;
            src += 2 * 64;
            bytes -= 2 * 64;
        }

        if (bytes != 0)
        {
            TStore.Store(TLine.Load(src), dest);
        }
    }

    /// <summary>Copies <paramref name="bytes"/> (a multiple of 64) from <paramref name="src"/> to the 64-byte aligned <paramref name="dest"/>, highest block first.</summary>
    /// <remarks>Correct for overlapping ranges when <paramref name="dest"/> is above <paramref name="src"/> (or they are disjoint).</remarks>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static void CopyBackward<TLine, TStore>(byte* dest, byte* src, nuint bytes)
        where TLine : struct, IVectorLine<TLine>
        where TStore : struct, ILineStore
    {
        Debug.Assert(((nuint)dest & 63) == 0 && (bytes & 63) == 0, "whole lines at an aligned destination");
        if (bytes >= 4 * 64)
        {
            CopyBackwardBlocks<TLine, TStore>(dest, src, bytes);
            return;
        }

        if (bytes >= 2 * 64)
        {
            bytes -= 2 * 64;
            Lines2<TLine, TStore, Descending>(dest + bytes, src + bytes);
        }

        if (bytes != 0)
        {
            TStore.Store(TLine.Load(src), dest);
        }
    }

    /// <summary><see cref="CopyForward"/> of four lines or more.</summary>
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    private static void CopyForwardBlocks<TLine, TStore>(byte* dest, byte* src, nuint bytes)
        where TLine : struct, IVectorLine<TLine>
        where TStore : struct, ILineStore
    {
        Debug.Assert(((nuint)dest & 63) == 0 && (bytes & 63) == 0, "whole lines at an aligned destination");
        Debug.Assert(TLine.BlockLines is 8 or 4, "the block sizes below");
        if (TLine.BlockLines == 8 && bytes >= 16 * 64 && bytes < 32 * 64)
        {
            Lines16<TLine, TStore, Ascending>(dest, src);
            dest += 16 * 64;
            src += 16 * 64;
            bytes -= 16 * 64;
        }

        if (TLine.BlockLines == 8)
        {
            while (bytes >= 8 * 64)
            {
                Lines8<TLine, TStore, Ascending>(dest, src);
                dest += 8 * 64;
                src += 8 * 64;
                bytes -= 8 * 64;
            }
        }

        while (bytes >= 4 * 64)
        {
            Lines4<TLine, TStore, Ascending>(dest, src);
            dest += 4 * 64;
            src += 4 * 64;
            bytes -= 4 * 64;
        }

        if (bytes >= 2 * 64)
        {
            Lines2<TLine, TStore, Ascending>(dest, src);
            dest += 2 * 64;
            src += 2 * 64;
            bytes -= 2 * 64;
        }

        if (bytes != 0)
        {
            TStore.Store(TLine.Load(src), dest);
        }
    }

    /// <summary><see cref="CopyBackward"/> of four lines or more.</summary>
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    private static void CopyBackwardBlocks<TLine, TStore>(byte* dest, byte* src, nuint bytes)
        where TLine : struct, IVectorLine<TLine>
        where TStore : struct, ILineStore
    {
        Debug.Assert(((nuint)dest & 63) == 0 && (bytes & 63) == 0, "whole lines at an aligned destination");
        Debug.Assert(TLine.BlockLines is 8 or 4, "the block sizes below");
        if (TLine.BlockLines == 8 && bytes >= 16 * 64 && bytes < 32 * 64)
        {
            bytes -= 16 * 64;
            Lines16<TLine, TStore, Descending>(dest + bytes, src + bytes);
        }

        if (TLine.BlockLines == 8)
        {
            while (bytes >= 8 * 64)
            {
                bytes -= 8 * 64;
                Lines8<TLine, TStore, Descending>(dest + bytes, src + bytes);
            }
        }

        while (bytes >= 4 * 64)
        {
            bytes -= 4 * 64;
            Lines4<TLine, TStore, Descending>(dest + bytes, src + bytes);
        }

        if (bytes >= 2 * 64)
        {
            bytes -= 2 * 64;
            Lines2<TLine, TStore, Descending>(dest + bytes, src + bytes);
        }

        if (bytes != 0)
        {
            TStore.Store(TLine.Load(src), dest);
        }
    }

    /// <summary>Stores <paramref name="line"/> to every line of the <paramref name="bytes"/> (a multiple of 64) at the 64-byte aligned <paramref name="dest"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static void Fill<TLine, TStore>(TLine line, byte* dest, nuint bytes)
        where TLine : struct, IVectorLine<TLine>
        where TStore : struct, ILineStore
    {
        Debug.Assert(((nuint)dest & 63) == 0 && (bytes & 63) == 0, "whole lines at an aligned destination");
        while (bytes >= 4 * 64)
        {
            TStore.Store(line, dest);
            TStore.Store(line, dest + 64);
            TStore.Store(line, dest + 128);
            TStore.Store(line, dest + 192);
            dest += 4 * 64;
            bytes -= 4 * 64;
        }

        while (bytes != 0)
        {
            TStore.Store(line, dest);
            dest += 64;
            bytes -= 64;
        }
    }

    /// <summary>16 lines: all loaded, then all stored, in the order of <typeparamref name="TOrder"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Lines16<TLine, TStore, TOrder>(byte* dest, byte* src)
        where TLine : struct, IVectorLine<TLine>
        where TStore : struct, ILineStore
        where TOrder : struct, ILineOrder
    {
        nint step = TOrder.Step;
        nint first = step > 0 ? 0 : 15 * 64;
        byte* s = src + first;
        byte* d = dest + first;
        TLine l0 = TLine.Load(s);
        TLine l1 = TLine.Load(s + step);
        TLine l2 = TLine.Load(s + 2 * step);
        TLine l3 = TLine.Load(s + 3 * step);
        TLine l4 = TLine.Load(s + 4 * step);
        TLine l5 = TLine.Load(s + 5 * step);
        TLine l6 = TLine.Load(s + 6 * step);
        TLine l7 = TLine.Load(s + 7 * step);
        TLine l8 = TLine.Load(s + 8 * step);
        TLine l9 = TLine.Load(s + 9 * step);
        TLine l10 = TLine.Load(s + 10 * step);
        TLine l11 = TLine.Load(s + 11 * step);
        TLine l12 = TLine.Load(s + 12 * step);
        TLine l13 = TLine.Load(s + 13 * step);
        TLine l14 = TLine.Load(s + 14 * step);
        TLine l15 = TLine.Load(s + 15 * step);
        TStore.Store(l0, d);
        TStore.Store(l1, d + step);
        TStore.Store(l2, d + 2 * step);
        TStore.Store(l3, d + 3 * step);
        TStore.Store(l4, d + 4 * step);
        TStore.Store(l5, d + 5 * step);
        TStore.Store(l6, d + 6 * step);
        TStore.Store(l7, d + 7 * step);
        TStore.Store(l8, d + 8 * step);
        TStore.Store(l9, d + 9 * step);
        TStore.Store(l10, d + 10 * step);
        TStore.Store(l11, d + 11 * step);
        TStore.Store(l12, d + 12 * step);
        TStore.Store(l13, d + 13 * step);
        TStore.Store(l14, d + 14 * step);
        TStore.Store(l15, d + 15 * step);
    }

    /// <summary>8 lines, as <see cref="Lines16"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Lines8<TLine, TStore, TOrder>(byte* dest, byte* src)
        where TLine : struct, IVectorLine<TLine>
        where TStore : struct, ILineStore
        where TOrder : struct, ILineOrder
    {
        nint step = TOrder.Step;
        nint first = step > 0 ? 0 : 7 * 64;
        byte* s = src + first;
        byte* d = dest + first;
        TLine l0 = TLine.Load(s);
        TLine l1 = TLine.Load(s + step);
        TLine l2 = TLine.Load(s + 2 * step);
        TLine l3 = TLine.Load(s + 3 * step);
        TLine l4 = TLine.Load(s + 4 * step);
        TLine l5 = TLine.Load(s + 5 * step);
        TLine l6 = TLine.Load(s + 6 * step);
        TLine l7 = TLine.Load(s + 7 * step);
        TStore.Store(l0, d);
        TStore.Store(l1, d + step);
        TStore.Store(l2, d + 2 * step);
        TStore.Store(l3, d + 3 * step);
        TStore.Store(l4, d + 4 * step);
        TStore.Store(l5, d + 5 * step);
        TStore.Store(l6, d + 6 * step);
        TStore.Store(l7, d + 7 * step);
    }

    /// <summary>4 lines, as <see cref="Lines16"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Lines4<TLine, TStore, TOrder>(byte* dest, byte* src)
        where TLine : struct, IVectorLine<TLine>
        where TStore : struct, ILineStore
        where TOrder : struct, ILineOrder
    {
        nint step = TOrder.Step;
        nint first = step > 0 ? 0 : 3 * 64;
        byte* s = src + first;
        byte* d = dest + first;
        TLine l0 = TLine.Load(s);
        TLine l1 = TLine.Load(s + step);
        TLine l2 = TLine.Load(s + 2 * step);
        TLine l3 = TLine.Load(s + 3 * step);
        TStore.Store(l0, d);
        TStore.Store(l1, d + step);
        TStore.Store(l2, d + 2 * step);
        TStore.Store(l3, d + 3 * step);
    }

    /// <summary>2 lines, as <see cref="Lines16"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Lines2<TLine, TStore, TOrder>(byte* dest, byte* src)
        where TLine : struct, IVectorLine<TLine>
        where TStore : struct, ILineStore
        where TOrder : struct, ILineOrder
    {
        nint step = TOrder.Step;
        nint first = step > 0 ? 0 : 1 * 64;
        byte* s = src + first;
        byte* d = dest + first;
        TLine l0 = TLine.Load(s);
        TLine l1 = TLine.Load(s + step);
        TStore.Store(l0, d);
        TStore.Store(l1, d + step);
    }
}
