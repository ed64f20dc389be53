using System;
using System.IO.MemoryMappedFiles;

namespace Pmem.Bench;

/// <summary>
/// The state shared by every implementation measured at one (operation, size): where the destinations are,
/// how they rotate, the source, and the offset the next batch starts at.
/// </summary>
/// <remarks>
/// Operation <c>i</c> of a batch works at <c>Base + Offset</c>, then <c>Offset += Stride</c>, wrapping to 0 at
/// <see cref="Limit"/>. The offset carries over between batches and implementations, so every batch, whoever runs
/// it, writes where nothing was written for the longest time (cold) or always at offset 0 (hot, stride 0).
/// </remarks>
internal sealed unsafe class Cell
{
    public required Operation Operation { get; init; }

    /// <summary>Bytes per operation (for scattered writes, 8 × <see cref="ScatterCount"/>).</summary>
    public required nuint Size { get; init; }

    /// <summary>The file as Pmem maps it (<see cref="Mapping"/>); the C peer and P/Invoke rows use the same addresses.</summary>
    public required byte* Base { get; init; }

    /// <summary>The same file through <see cref="Accessor"/> (a second mapping of the same pages).</summary>
    public required byte* ViewBase { get; init; }

    public required MemoryMappedViewAccessor Accessor { get; init; }

    public required PmemMapping Mapping { get; init; }

    /// <summary>The same file mapped as a sparse file with every page reserved (same pages as <see cref="Mapping"/>).</summary>
    public required PmemMapping SparseMapping { get; init; }

    public required nuint Stride { get; init; }

    public required nuint Limit { get; init; }

    /// <summary>A DRAM buffer of at least <see cref="Size"/> bytes, 64-byte aligned, for copies.</summary>
    public required byte* Source { get; init; }

    /// <summary>For scattered writes: the offsets of the 8-byte stores within the current window.</summary>
    public nuint* ScatterOffsets { get; init; }

    public int ScatterCount { get; init; }

    /// <summary>For scattered writes: <see cref="ScatterOffsets"/> as an array (what the F# plans take).</summary>
    public long[]? ScatterOffsetArray { get; init; }

    /// <summary><see cref="Source"/> as memory of <see cref="Size"/> bytes (what the F# plans take).</summary>
    public ReadOnlyMemory<byte> SourceMemory { get; init; }

    /// <summary>Where the next batch starts.</summary>
    public nuint Offset { get; set; }

    /// <summary>Moves to the next destination.</summary>
    public static nuint Next(nuint offset, nuint stride, nuint limit)
    {
        offset += stride;
        return offset >= limit ? 0 : offset;
    }
}
