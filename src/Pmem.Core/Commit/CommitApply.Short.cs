using System;
using System.Diagnostics;
using System.Runtime.CompilerServices;

namespace Pmem;

/// <summary>CommitApply's short paths: the commonest commits on pmem (one store; temporal stores moving forward) without the group loop, issuing exactly the calls the loop issues for them, in the same order.</summary>
internal static partial class CommitApply
{
    /// <summary>
    /// The commonest commits, one store on pmem (a scalar, a write or a fill): stored, its touched lines flushed,
    /// drained (as <c>work.FinalDrain</c> says): exactly the calls <see cref="Apply"/> issues for it, in the same order,
    /// without the group loop. False, having issued nothing, for any other work (several steps, msync, recorded events).
    /// </summary>
    /// <remarks>
    /// Why: inlined into the target's Apply, it spares the commit the loop's frame and its run bookkeeping (saved
    /// registers and spilled locals are memory writes, and before the flush every memory write queues behind the
    /// previous commit's drain; see DurableCommit.commitBody).
    /// </remarks>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static bool TryApplyOne<TStores>(ref TStores stores, bool pmem, CommitWork work)
        where TStores : ICommitStores
    {
        ReadOnlySpan<CommitStep> steps = work.Steps;
        if (steps.Length != 1 || !pmem || work.Events is not null)
        {
            return false;
        }

        ref readonly CommitStep step = ref steps[0];
        long offset = step.Offset;
        long finish = offset + step.Length;
        switch (step.Kind)
        {
            case CommitStepKind.Scalar:
                stores.StoreScalar(offset, (int)step.Length, step.Value);
                FlushLinesOf(ref stores, offset, finish);
                break;
            case CommitStepKind.Write or CommitStepKind.Fill:
                // Out of line: inlined here with its three stores of parts, it would make the caller's frame larger
                // and its values spill on every path, the scalar's too. By reference, never a copy: a struct copy
                // may be one wide load of fields stored one by one, which store-to-load forwarding cannot serve, and
                // behind the previous commit's drain that load waits for the drain.
                StoreOneRange(ref stores, in step, work);
                break;
            default:
                // A read or a barrier alone issues nothing; the loop says so.
                return false;
        }

        if (work.FinalDrain)
        {
            work.DrainLast(ref stores);
        }

        return true;
    }

    /// <summary>
    /// A commit's only store on pmem, a write of <paramref name="bytes"/> that was never recorded
    /// (<see cref="ICommitTarget.ApplyOnlyWrite"/>): the calls <see cref="TryApplyOne"/> issues for a work of that one
    /// Write step, in the same order.
    /// </summary>
    public static void ApplyOnlyWrite<TStores>(ref TStores stores, CommitWork work, long offset, ReadOnlySpan<byte> bytes)
        where TStores : ICommitStores
    {
        Debug.Assert(work.Count == 0 && work.Events is null && bytes.Length > 0, "an unrecorded write, the commit's only store");
        StoreOneWrite(ref stores, work.Stores, offset, bytes);
        if (work.FinalDrain)
        {
            work.DrainLast(ref stores);
        }
    }

    /// <summary>
    /// <see cref="ApplyOnlyWrite"/> for a fill of <paramref name="length"/> bytes of <paramref name="value"/>
    /// (<see cref="ICommitTarget.ApplyOnlyFill"/>): the calls <see cref="TryApplyOne"/> issues for a work of that one
    /// Fill step, in the same order.
    /// </summary>
    public static void ApplyOnlyFill<TStores>(ref TStores stores, CommitWork work, long offset, long length, byte value)
        where TStores : ICommitStores
    {
        Debug.Assert(work.Count == 0 && work.Events is null && length > 0, "an unrecorded fill, the commit's only store");
        StoreOneFill(ref stores, work.Stores, offset, length, value);
        if (work.FinalDrain)
        {
            work.DrainLast(ref stores);
        }
    }

    /// <summary>
    /// <see cref="ApplyOnlyWrite"/> for a scalar (<see cref="ICommitTarget.ApplyOnlyScalar"/>): its one store, its
    /// line flushed, the drain: the calls <see cref="TryApplyOne"/> issues for a work of that one Scalar step.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void ApplyOnlyScalar<TStores>(ref TStores stores, CommitWork work, long offset, int size, long value)
        where TStores : ICommitStores
    {
        Debug.Assert(work.Count == 0 && work.Events is null, "an unrecorded scalar, the commit's only store");
        stores.StoreScalar(offset, size, value);
        FlushLinesOf(ref stores, offset, offset + size);
        if (work.FinalDrain)
        {
            work.DrainLast(ref stores);
        }
    }

    /// <summary>TryApplyOne's write or fill: stored (its whole lines streamed when CopyDecision says so) and its touched lines flushed.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void StoreOneRange<TStores>(ref TStores stores, in CommitStep step, CommitWork work)
        where TStores : ICommitStores
    {
        Debug.Assert(step.InRange && step.Length > 0, "phase 1 kept only in-range, non-empty writes");
        if (step.Kind == CommitStepKind.Fill)
        {
            StoreOneFill(ref stores, work.Stores, step.Offset, step.Length, (byte)step.Value);
        }
        else
        {
            // The step's length, as StorePart: the step stores the first Length bytes of its memory.
            StoreOneWrite(ref stores, work.Stores, step.Offset, work.MemoryAt((int)step.Value).Span[..(int)step.Length]);
        }
    }

    /// <summary>
    /// A write alone in its group: stored (its whole lines streamed when CopyDecision says so under
    /// <paramref name="hint"/>) and its touched lines flushed.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void StoreOneWrite<TStores>(ref TStores stores, PmemCopyFlags hint, long offset, ReadOnlySpan<byte> bytes)
        where TStores : ICommitStores
    {
        if (((offset | (long)bytes.Length) & LineMask) == 0 && NonTemporal(ResolvedConfig.Current, hint, bytes.Length))
        {
            // Whole lines, streamed, nothing to flush (a log's block, a page): the store's call is the last thing
            // here, so no value is kept across it (each one saved is a memory write made before the stream starts).
            stores.Store(offset, bytes, nonTemporal: true);
            return;
        }

        StoreWriteInParts(ref stores, hint, offset, bytes);
    }

    /// <summary>StoreOneWrite of a write that is not whole lines streamed.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void StoreWriteInParts<TStores>(ref TStores stores, PmemCopyFlags hint, long offset, ReadOnlySpan<byte> bytes)
        where TStores : ICommitStores =>
        StoreInParts(ref stores, new BytesPart(bytes, offset), hint, offset, offset + bytes.Length);

    /// <summary>StoreOneWrite for a fill of <paramref name="length"/> bytes of <paramref name="value"/>.</summary>
    private static void StoreOneFill<TStores>(ref TStores stores, PmemCopyFlags hint, long offset, long length, byte value)
        where TStores : ICommitStores
    {
        if (((offset | length) & LineMask) == 0 && NonTemporal(ResolvedConfig.Current, hint, length))
        {
            stores.Fill(offset, length, value, nonTemporal: true);
            return;
        }

        StoreInParts(ref stores, new FillPart(value), hint, offset, offset + length);
    }

    /// <summary>
    /// A write or fill of <c>[offset, finish)</c> that is not whole lines streamed: its partial lines stored and
    /// flushed, its body streamed or stored and flushed.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void StoreInParts<TStores, TPart>(ref TStores stores, TPart part, PmemCopyFlags hint, long offset, long finish)
        where TStores : ICommitStores
        where TPart : IStorePart, allows ref struct
    {
        long bodyStart = (offset + LineMask) & ~LineMask;
        long bodyEnd = finish & ~LineMask;
        if (bodyEnd > bodyStart && NonTemporal(ResolvedConfig.Current, hint, finish - offset))
        {
            // As StoreWrite and GroupRuns: the partial lines stored, the body streamed, then the head's line
            // and the tail's line flushed (two disjoint runs, in address order).
            if (bodyStart > offset)
            {
                part.Store(ref stores, offset, bodyStart, nonTemporal: false);
            }

            part.Store(ref stores, bodyStart, bodyEnd, nonTemporal: true);
            if (finish > bodyEnd)
            {
                part.Store(ref stores, bodyEnd, finish, nonTemporal: false);
            }

            if (bodyStart > offset)
            {
                stores.FlushLines((bodyStart >> LineShift) - 1, 1);
            }

            if (finish > bodyEnd)
            {
                stores.FlushLines(bodyEnd >> LineShift, 1);
            }
        }
        else
        {
            part.Store(ref stores, offset, finish, nonTemporal: false);
            FlushLinesOf(ref stores, offset, finish);
        }
    }

    /// <summary>What StoreInParts stores into a range's parts: a write's bytes or a fill's value.</summary>
    private interface IStorePart
    {
        /// <summary>Stores the part <c>[first, stop)</c> of the range.</summary>
        void Store<TStores>(ref TStores stores, long first, long stop, bool nonTemporal)
            where TStores : ICommitStores;
    }

    /// <summary>The bytes of a write that starts at <c>offset</c>.</summary>
    private readonly ref struct BytesPart(ReadOnlySpan<byte> bytes, long offset) : IStorePart
    {
        private readonly ReadOnlySpan<byte> _bytes = bytes;

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public void Store<TStores>(ref TStores stores, long first, long stop, bool nonTemporal)
            where TStores : ICommitStores =>
            stores.Store(first, _bytes.Slice((int)(first - offset), (int)(stop - first)), nonTemporal);
    }

    /// <summary>The value of a fill.</summary>
    private readonly struct FillPart(byte value) : IStorePart
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public void Store<TStores>(ref TStores stores, long first, long stop, bool nonTemporal)
            where TStores : ICommitStores =>
            stores.Fill(first, stop - first, value, nonTemporal);
    }

    /// <summary>
    /// A commit on pmem whose every store is temporal (scalars, and writes and fills the commit does not stream) and
    /// whose groups move forward (<see cref="GroupRuns.MovesForward"/>), the shape of scattered updates and of a log
    /// append: exactly the calls <see cref="Apply"/> issues for it, in the same order, from a loop that keeps its run
    /// of lines in registers. False, having issued nothing, for any other work.
    /// </summary>
    /// <remarks>
    /// Why: the group loop's state (its runs, the kind dispatch) lives in memory around each flush call, a dozen
    /// stores per write; before the drain every memory write queues behind the previous commit's drain (see
    /// DurableCommit.commitBody).
    /// </remarks>
    public static bool TryApplyTemporal<TStores>(ref TStores stores, bool pmem, CommitWork work)
        where TStores : ICommitStores
    {
        ReadOnlySpan<CommitStep> steps = work.Steps;
        if (!pmem || work.Events is not null || !TemporalMovingForward(steps, work.Stores))
        {
            return false;
        }

        long first = 0;
        long stop = 0;
        for (int i = 0; i < steps.Length; i++)
        {
            ref readonly CommitStep step = ref steps[i];
            switch (step.Kind)
            {
                case CommitStepKind.Barrier:
                    if (stop > first)
                    {
                        stores.FlushLines(first, stop - first);
                        stores.Drain();
                        first = stop = 0;
                    }

                    continue;
                case CommitStepKind.Scalar:
                    stores.StoreScalar(step.Offset, (int)step.Length, step.Value);
                    break;
                default:
                    StorePart(ref stores, in step, work, step.Offset, step.Offset + step.Length, nonTemporal: false);
                    break;
            }

            long lineFirst = step.Offset >> LineShift;
            long lineStop = ((step.Offset + step.Length - 1) >> LineShift) + 1;
            if (stop == first)
            {
                first = lineFirst;
                stop = lineStop;
            }
            else if (lineFirst <= stop)
            {
                // Forward: lineFirst is at or after the run's first line.
                stop = Math.Max(stop, lineStop);
            }
            else
            {
                stores.FlushLines(first, stop - first);
                first = lineFirst;
                stop = lineStop;
            }
        }

        if (stop > first)
        {
            stores.FlushLines(first, stop - first);
            if (work.FinalDrain)
            {
                work.DrainLast(ref stores);
            }
        }

        return true;
    }

    /// <summary>
    /// Whether <paramref name="steps"/> holds only barriers and stores that are temporal (scalars; writes and fills
    /// <see cref="StoreWrite"/> does not stream under the hint <paramref name="hint"/>), at least one store, each group
    /// moving forward.
    /// </summary>
    private static bool TemporalMovingForward(ReadOnlySpan<CommitStep> steps, PmemCopyFlags hint)
    {
        ResolvedConfig config = ResolvedConfig.Current;
        bool any = false;
        // As GroupRuns.MovesForward, in the same pass: no store starts on a line before the previous store's last.
        long lastLine = long.MinValue;
        foreach (ref readonly CommitStep step in steps)
        {
            switch (step.Kind)
            {
                case CommitStepKind.Barrier:
                    lastLine = long.MinValue;
                    continue;
                case CommitStepKind.Scalar:
                    break;
                case CommitStepKind.Write or CommitStepKind.Fill:
                    if (Streams(config, hint, step.Offset, step.Length))
                    {
                        return false;
                    }

                    break;
                default:
                    return false;
            }

            if ((step.Offset >> LineShift) < lastLine)
            {
                return false;
            }

            lastLine = (step.Offset + step.Length - 1) >> LineShift;
            any = true;
        }

        return any;
    }
}
