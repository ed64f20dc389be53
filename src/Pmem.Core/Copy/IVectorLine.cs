namespace Pmem;

/// <summary>
/// One 64-byte cache line held in vector registers of one width: the unit every vector copy engine moves.
/// Each width (<see cref="VectorLine512"/>, <see cref="VectorLine256"/>, <see cref="VectorLine128"/>) is a struct,
/// so the JIT compiles a separate, fully inlined copy of each generic engine per width: one engine body, three
/// instruction sets, no virtual calls.
/// </summary>
/// <typeparam name="TSelf">The implementing struct.</typeparam>
internal unsafe interface IVectorLine<TSelf>
    where TSelf : struct, IVectorLine<TSelf>
{
    /// <summary>The instruction set this width stands for (reported by the engines as the path that ran).</summary>
    static abstract CopyIsa Isa { get; }

    /// <summary>
    /// Whether the non-temporal loops of this width fence every 12 lines when the write-combining workaround is on.
    /// libpmem does so for SSE2 and AVX, not for AVX-512 (whole-line stores do not exhaust the WC buffers).
    /// </summary>
    static abstract bool HonoursWcWorkaround { get; }

    /// <summary>
    /// How many lines a copy block of <see cref="LineBlocks"/> holds in registers in a long run: 8 when a line is one
    /// of 32 registers (AVX-512), 4 otherwise. <see cref="LineBlocks"/> says why.
    /// </summary>
    static abstract int BlockLines { get; }

    /// <summary>Whether 32-byte vectors may be used for the sub-line pieces (false on the SSE2 path).</summary>
    static abstract bool Has256BitVectors { get; }

    /// <summary>Loads 64 bytes from <paramref name="source"/>, which need not be aligned.</summary>
    static abstract TSelf Load(byte* source);

    /// <summary>A line whose 64 bytes are all <paramref name="value"/>.</summary>
    static abstract TSelf Broadcast(byte value);

    /// <summary>Temporal store of the line to a 64-byte aligned <paramref name="destination"/>.</summary>
    static abstract void StoreAligned(TSelf line, byte* destination);

    /// <summary>Non-temporal (write-combining, cache-bypassing) store of the line to a 64-byte aligned <paramref name="destination"/>.</summary>
    static abstract void StoreAlignedNonTemporal(TSelf line, byte* destination);
}
