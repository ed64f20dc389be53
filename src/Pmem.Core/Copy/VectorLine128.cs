using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace Pmem;

/// <summary>A cache line in four 128-bit registers (SSE2: <c>movdqu</c> loads, <c>movntdq</c> stores).</summary>
internal readonly unsafe struct VectorLine128 : IVectorLine<VectorLine128>
{
    private readonly Vector128<byte> _a;
    private readonly Vector128<byte> _b;
    private readonly Vector128<byte> _c;
    private readonly Vector128<byte> _d;

    private VectorLine128(Vector128<byte> a, Vector128<byte> b, Vector128<byte> c, Vector128<byte> d)
    {
        _a = a;
        _b = b;
        _c = c;
        _d = d;
    }

    public static CopyIsa Isa => CopyIsa.Sse2;

    public static bool HonoursWcWorkaround => true;

    public static int BlockLines => 4;

    public static bool Has256BitVectors => false;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static VectorLine128 Load(byte* source) =>
        new(Vector128.Load(source), Vector128.Load(source + 16), Vector128.Load(source + 32), Vector128.Load(source + 48));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static VectorLine128 Broadcast(byte value)
    {
        var v = Vector128.Create(value);
        return new(v, v, v, v);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void StoreAligned(VectorLine128 line, byte* destination)
    {
        Debug.Assert(((nuint)destination & 63) == 0, "line stores are 64-byte aligned");
        line._a.StoreAligned(destination);
        line._b.StoreAligned(destination + 16);
        line._c.StoreAligned(destination + 32);
        line._d.StoreAligned(destination + 48);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void StoreAlignedNonTemporal(VectorLine128 line, byte* destination)
    {
        Debug.Assert(((nuint)destination & 63) == 0, "line stores are 64-byte aligned");
        line._a.StoreAlignedNonTemporal(destination);
        line._b.StoreAlignedNonTemporal(destination + 16);
        line._c.StoreAlignedNonTemporal(destination + 32);
        line._d.StoreAlignedNonTemporal(destination + 48);
    }
}
