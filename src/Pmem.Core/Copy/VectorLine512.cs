using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace Pmem;

/// <summary>A cache line in one 512-bit register (AVX-512F: <c>vmovdqu64</c> loads, <c>vmovntdq zmm</c> stores).</summary>
internal readonly unsafe struct VectorLine512 : IVectorLine<VectorLine512>
{
    private readonly Vector512<byte> _v;

    private VectorLine512(Vector512<byte> v) => _v = v;

    public static CopyIsa Isa => CopyIsa.Avx512F;

    public static bool HonoursWcWorkaround => false;

    public static int BlockLines => 8;

    public static bool Has256BitVectors => true;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static VectorLine512 Load(byte* source) => new(Vector512.Load(source));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static VectorLine512 Broadcast(byte value) => new(Vector512.Create(value));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void StoreAligned(VectorLine512 line, byte* destination)
    {
        Debug.Assert(((nuint)destination & 63) == 0, "line stores are 64-byte aligned");
        line._v.StoreAligned(destination);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void StoreAlignedNonTemporal(VectorLine512 line, byte* destination)
    {
        Debug.Assert(((nuint)destination & 63) == 0, "line stores are 64-byte aligned");
        line._v.StoreAlignedNonTemporal(destination);
    }
}
