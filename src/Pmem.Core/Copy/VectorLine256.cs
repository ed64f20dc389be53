using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace Pmem;

/// <summary>A cache line in two 256-bit registers (AVX: <c>vmovdqu</c> loads, <c>vmovntdq ymm</c> stores).</summary>
internal readonly unsafe struct VectorLine256 : IVectorLine<VectorLine256>
{
    private readonly Vector256<byte> _lo;
    private readonly Vector256<byte> _hi;

    private VectorLine256(Vector256<byte> lo, Vector256<byte> hi)
    {
        _lo = lo;
        _hi = hi;
    }

    public static CopyIsa Isa => CopyIsa.Avx;

    public static bool HonoursWcWorkaround => true;

    public static int BlockLines => 4;

    public static bool Has256BitVectors => true;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static VectorLine256 Load(byte* source) => new(Vector256.Load(source), Vector256.Load(source + 32));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static VectorLine256 Broadcast(byte value)
    {
        var v = Vector256.Create(value);
        return new(v, v);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void StoreAligned(VectorLine256 line, byte* destination)
    {
        Debug.Assert(((nuint)destination & 63) == 0, "line stores are 64-byte aligned");
        line._lo.StoreAligned(destination);
        line._hi.StoreAligned(destination + 32);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void StoreAlignedNonTemporal(VectorLine256 line, byte* destination)
    {
        Debug.Assert(((nuint)destination & 63) == 0, "line stores are 64-byte aligned");
        line._lo.StoreAlignedNonTemporal(destination);
        line._hi.StoreAlignedNonTemporal(destination + 32);
    }
}
