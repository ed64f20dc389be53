using System;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Pmem;

/// <summary>
/// The byte array behind a <see cref="ReadOnlyMemory{T}"/> of bytes, read without a call: what the F# layer's
/// <c>Durable.writeMemory</c> keeps in a plan (no allocation) instead of calling
/// <see cref="MemoryMarshal.TryGetArray{T}(ReadOnlyMemory{T}, out ArraySegment{T})"/>, a call the JIT does not inline
/// there (its frame is memory writes, made while the previous commit's drain completes).
/// </summary>
/// <remarks>
/// Reads the memory's three fields (its object, its start, its length) by a bit cast to a struct of the same shape.
/// That the shape holds is checked once, on a memory whose fields are known; if it ever does not (another runtime),
/// every call goes to TryGetArray instead.
/// </remarks>
internal static class ByteMemory
{
    [StructLayout(LayoutKind.Sequential)]
    private readonly struct View
    {
        public readonly object? Object;
        public readonly int Index;
        public readonly int Length;
    }

    /// <summary>The flag the runtime keeps in the top bit of a memory's start (an array pinned at allocation).</summary>
    private const int IndexMask = int.MaxValue;

    private static readonly bool s_viewHolds = ViewHolds();

    private static bool ViewHolds()
    {
        if (Unsafe.SizeOf<View>() != Unsafe.SizeOf<ReadOnlyMemory<byte>>())
        {
            return false;
        }

        byte[] array = new byte[8];
        View view = Unsafe.BitCast<ReadOnlyMemory<byte>, View>(new ReadOnlyMemory<byte>(array, 3, 4));
        return ReferenceEquals(view.Object, array) && view.Index == 3 && view.Length == 4;
    }

    /// <summary>
    /// The array <paramref name="memory"/> is part of, or null when it is not an array's (a MemoryManager's), and its
    /// range there: its start times 2^32 plus its length. A pair returned in registers, not an out parameter (a local
    /// kept in memory).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static (byte[]? Array, long Range) ArrayOf(ReadOnlyMemory<byte> memory)
    {
        if (s_viewHolds)
        {
            // A bit cast of the value, not a view through its address: the memory's fields stay in registers.
            View view = Unsafe.BitCast<ReadOnlyMemory<byte>, View>(memory);
            object? owner = view.Object;
            // Exactly a byte[] (an sbyte[] is a byte[] to a cast): anything else takes the general way.
            if (owner is not null && owner.GetType() == typeof(byte[]))
            {
                return (Unsafe.As<byte[]>(owner), ((long)(view.Index & IndexMask) << 32) | (uint)view.Length);
            }
        }

        return ArrayOfGeneral(memory);
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static (byte[]? Array, long Range) ArrayOfGeneral(ReadOnlyMemory<byte> memory) =>
        MemoryMarshal.TryGetArray(memory, out ArraySegment<byte> segment) && segment.Array is { } array
            ? (array, ((long)segment.Offset << 32) | (uint)segment.Count)
            : (null, 0);
}
