using System;

namespace Pmem;

/// <summary>
/// The stores, flushes and fences <see cref="CommitApply"/> issues: implemented by a struct over a claimed mapping (so
/// the generic loop calls it directly), by the simulator, and by <see cref="RecordingStores{TInner}"/> around either.
/// </summary>
/// <remarks>
/// Invariants the commit keeps (implementations may assert them): ranges lie inside the target;
/// <c>nonTemporal = true</c> only for whole 64-byte-aligned lines, which the commit never flushes; a scalar is
/// written with one store of its width (an aligned 8-byte write is one atomic store). A copy acts as the original does
/// (CommitApply passes stores by value where that keeps its caller's frame small).
/// </remarks>
internal interface ICommitStores
{
    /// <summary>Addressable bytes (msync runs are clipped to it).</summary>
    long Length { get; }

    /// <summary>Stores <paramref name="source"/> at <paramref name="offset"/>, non-temporally (whole lines, no flush needed) or not.</summary>
    void Store(long offset, ReadOnlySpan<byte> source, bool nonTemporal);

    /// <summary>Stores the low <paramref name="size"/> bytes (1, 2, 4 or 8) of <paramref name="value"/>, little-endian, with one store of that width.</summary>
    void StoreScalar(long offset, int size, long value);

    /// <summary>Stores <paramref name="length"/> copies of <paramref name="value"/> at <paramref name="offset"/>.</summary>
    void Fill(long offset, long length, byte value, bool nonTemporal);

    /// <summary>Flushes lines <c>[firstLine, firstLine + lineCount)</c> (line n covers bytes <c>[64n, 64n + 64)</c>).</summary>
    void FlushLines(long firstLine, long lineCount);

    /// <summary>Waits until every earlier flush and non-temporal store has reached persistence.</summary>
    void Drain();

    /// <summary>
    /// Whether a commit's final drain may be left to the commit's end (<see cref="CommitWork.FinishDrain"/>), after
    /// its bookkeeping: true only where a drain is one fence of the calling thread that nothing records.
    /// </summary>
    bool MayDeferDrain { get; }

    /// <summary>msync of <c>[offset, offset + length)</c>, whole pages (the last one clipped to <see cref="Length"/>).</summary>
    void Msync(long offset, long length);
}
