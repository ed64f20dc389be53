using System.Runtime.CompilerServices;

namespace Pmem.Bench;

/// <summary>One operation of a .NET implementation, specialised by the JIT (a struct type argument), so the loop costs what a hand-written loop costs.</summary>
internal unsafe interface IOperation
{
    /// <param name="cell">The cell (mapping, accessor, scatter offsets).</param>
    /// <param name="offset">The destination's offset in the file.</param>
    /// <param name="dest">The destination in Pmem's mapping.</param>
    /// <param name="view">The destination in the memory-mapped view of the same file.</param>
    /// <param name="source">The DRAM source.</param>
    /// <param name="length">Bytes.</param>
    /// <param name="i">The operation's number in its batch (used as the written value).</param>
    static abstract void Run(Cell cell, nuint offset, byte* dest, byte* view, byte* source, nuint length, long i);
}

/// <summary>The batch loop every .NET implementation shares; the C peer runs the same loop in C.</summary>
internal static unsafe class Loop
{
    public static void Run<T>(Cell cell, long count)
        where T : struct, IOperation
    {
        byte* b = cell.Base;
        byte* v = cell.ViewBase;
        byte* source = cell.Source;
        nuint length = cell.Size;
        nuint offset = cell.Offset;
        nuint stride = cell.Stride;
        nuint limit = cell.Limit;
        for (long i = 0; i < count; i++)
        {
            T.Run(cell, offset, b + offset, v + offset, source, length, i);
            offset = Cell.Next(offset, stride, limit);
        }

        cell.Offset = offset;
    }

    /// <summary>Writes one byte in each 64-byte line of the range, so every line a persist writes back is dirty.</summary>
    /// <remarks>
    /// Written with temporaries that die at the end of the loop: with the caller's values (live across the flush
    /// call that follows) as loop variables, the JIT kept them on the stack and stored one of them on every
    /// iteration, which doubled the stores in flight and made a 4 KiB persist 1.9× slower than the same C loop.
    /// </remarks>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void DirtyLines(byte* d, nuint length, long i)
    {
        byte value = (byte)i;
        byte* end = d + length;
        for (byte* p = d; p < end; p += 64)
        {
            *p = value;
        }
    }
}
