using System;

namespace Pmem;

/// <summary>
/// The memory a commit makes durable: the one seam between a commit and a device. <see cref="PmemMapping"/> (the real
/// thing), <see cref="Simulation.PmemSimulator"/> (which records every store, flush and fence for crash-state
/// enumeration) implement it; any other <see cref="IPmemTarget"/> is reached through
/// <see cref="IPmemTarget.CommitTarget"/>'s default. A commit is instrumented (tests, dry runs) by recording the calls
/// on its stores (<see cref="CommitWork.Events"/>, <see cref="RecordingStores{TInner}"/>).
/// </summary>
/// <remarks>
/// <para>A commit runs in two phases, between <see cref="TryBegin"/> and <see cref="End"/>. Phase 1 (the F# layer's
/// journal) runs the plan with nothing stored: reads go to <see cref="Read"/>, ranges are checked against
/// <see cref="Length"/>. Phase 2 is <see cref="Apply"/>: the target runs <see cref="CommitApply"/> over its stores
/// (<see cref="ICommitStores"/>), which alone decides temporal or non-temporal stores (<see cref="CopyDecision"/>) and
/// which lines to flush or pages to msync. Offsets and lengths are bytes, <see langword="long"/>.</para>
/// </remarks>
internal interface ICommitTarget
{
    /// <summary>Addressable bytes: offsets <c>[0, Length)</c>.</summary>
    long Length { get; }

    /// <summary>Whether durability comes from flushing lines and draining (pmem) or from msync of pages.</summary>
    bool IsPmem { get; }

    /// <summary>
    /// The address of offset 0 when the target's bytes are memory this process loads and stores directly (a
    /// mapping), so that phase 1 may prefetch destinations (<see cref="CommitPrefetch"/>); 0 otherwise. Valid only
    /// between <see cref="TryBegin"/> and <see cref="End"/>.
    /// </summary>
    nint PrefetchBase { get; }

    /// <summary>
    /// Claims the target for one commit on the calling thread: until <see cref="End"/> it stays usable (a mapping
    /// stays mapped; a concurrent Dispose defers its unmap). False, having claimed nothing, once it was disposed
    /// (a commit then answers Disposed; no exception on the fast path).
    /// </summary>
    /// <param name="thread">The calling thread's slot (<see cref="MappingUse.ForThisThread"/>), read once by the commit
    /// for its claim, its buffers (<see cref="MappingUse.CommitScratch"/>) and its end: each read of a thread-static is a
    /// call into the runtime here.</param>
    bool TryBegin(MappingUse thread);

    /// <summary>Ends what a successful <see cref="TryBegin"/> began.</summary>
    /// <param name="thread">The slot given to <see cref="TryBegin"/>.</param>
    void End(MappingUse thread);

    /// <summary>Copies <c>[offset, offset + destination.Length)</c> (in range) into <paramref name="destination"/>, as loads see it now.</summary>
    /// <param name="offset">Start.</param>
    /// <param name="destination">Where the bytes go.</param>
    void Read(long offset, Span<byte> destination);

    /// <summary>
    /// The target as an <see cref="IPmemTarget"/> that works while this commit holds it (between <see cref="TryBegin"/>
    /// and <see cref="End"/>), even after a Dispose started on any thread: what an atomic commit hands the redo log,
    /// so that nothing can stop it between the log, the commit mark and the apply.
    /// </summary>
    IPmemTarget Claimed { get; }

    /// <summary>
    /// Phase 2: stores the steps and makes them durable (see <see cref="CommitApply.Apply"/>). Returns null, or the
    /// <see cref="PmemException"/> the target raised (msync failed, no storage for a sparse file's page, a read-only
    /// mapping refused the commit before its first store): returned rather than thrown, so that a commit tells it from
    /// what its plan's own code throws without keeping a flag in memory. Anything else propagates.
    /// </summary>
    /// <param name="work">The steps, their memory and the options.</param>
    PmemException? Apply(CommitWork work);

    /// <summary>
    /// Phase 2 at once for a commit whose only store is a write of <c>bytes[start .. start + length)</c> at
    /// <paramref name="offset"/> (in range, not empty), made as the plan's last step: stored, its touched lines flushed,
    /// then drained as <paramref name="work"/>'s options say; exactly the calls <see cref="Apply"/> issues for a work of
    /// that one step, in the same order. Where the target applies only whole work (off pmem, a read-only or sparse
    /// mapping, recorded events, a target outside Pmem), the write is recorded into <paramref name="work"/> instead,
    /// for <see cref="Apply"/>. The caller tells which by <see cref="CommitWork.Count"/>: 0, the write is durable (with
    /// <see cref="CommitWork.FinalDrain"/>); 1, it is to be applied.
    /// </summary>
    /// <param name="work">The commit's options, and no step.</param>
    /// <param name="offset">Where the bytes go.</param>
    /// <param name="bytes">The array holding them (read, never kept once stored).</param>
    /// <param name="start">Where they start in it.</param>
    /// <param name="length">How many.</param>
    void ApplyOnlyWrite(CommitWork work, long offset, byte[] bytes, int start, int length);

    /// <summary>
    /// <see cref="ApplyOnlyWrite"/> for memory no array backs (a <see cref="System.Buffers.MemoryManager{T}"/>'s: native
    /// memory, a pool's): the same stores, flushes and drain, or the write recorded with its memory.
    /// </summary>
    /// <param name="work">The commit's options, and no step.</param>
    /// <param name="offset">Where the bytes go.</param>
    /// <param name="memory">The bytes (read, never kept once stored).</param>
    void ApplyOnlyMemory(CommitWork work, long offset, ReadOnlyMemory<byte> memory);

    /// <summary>
    /// <see cref="ApplyOnlyWrite"/> for a fill of <paramref name="length"/> bytes (in range, not empty) of
    /// <paramref name="value"/>: the same stores, flushes and drain, or the fill recorded.
    /// </summary>
    /// <param name="work">The commit's options, and no step.</param>
    /// <param name="offset">Where the fill starts.</param>
    /// <param name="length">Its length.</param>
    /// <param name="value">The byte it stores.</param>
    void ApplyOnlyFill(CommitWork work, long offset, long length, byte value);

    /// <summary>
    /// <see cref="ApplyOnlyWrite"/> for a little-endian scalar of <paramref name="size"/> bytes (1, 2, 4 or 8), stored
    /// with one store of its width.
    /// </summary>
    /// <param name="work">The commit's options, and no step.</param>
    /// <param name="offset">Where the scalar goes.</param>
    /// <param name="size">Its width.</param>
    /// <param name="value">Its value.</param>
    void ApplyOnlyScalar(CommitWork work, long offset, int size, long value);

}
