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
            stores.Drain();
        }

        return true;
    }

    /// <summary>TryApplyOne's write or fill: stored (its whole lines streamed when CopyDecision says so) and its touched lines flushed.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void StoreOneRange<TStores>(ref TStores stores, in CommitStep step, CommitWork work)
        where TStores : ICommitStores
    {
        Debug.Assert(step.InRange && step.Length > 0, "phase 1 kept only in-range, non-empty writes");
        long offset = step.Offset;
        long length = step.Length;
        if (((offset | length) & LineMask) == 0 && NonTemporal(ResolvedConfig.Current, work.Stores, length))
        {
            // Whole lines, streamed, nothing to flush (a log's block, a page): the store's call is the last thing
            // here, so no value is kept across it (each one saved is a memory write made before the stream starts).
            StorePart(ref stores, in step, work, offset, offset + length, nonTemporal: true);
            return;
        }

        StoreOneRangeInParts(ref stores, in step, work);
    }

    /// <summary>StoreOneRange for a write or fill that is not whole lines streamed: its partial lines stored and flushed, its body streamed or stored and flushed.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void StoreOneRangeInParts<TStores>(ref TStores stores, in CommitStep step, CommitWork work)
        where TStores : ICommitStores
    {
        long offset = step.Offset;
        long finish = offset + step.Length;
        long bodyStart = (offset + LineMask) & ~LineMask;
        long bodyEnd = finish & ~LineMask;
        if (bodyEnd > bodyStart && NonTemporal(ResolvedConfig.Current, work.Stores, step.Length))
        {
            // As StoreWrite and GroupRuns: the partial lines stored, the body streamed, then the head's line
            // and the tail's line flushed (two disjoint runs, in address order).
            if (bodyStart > offset)
            {
                StorePart(ref stores, in step, work, offset, bodyStart, nonTemporal: false);
            }

            StorePart(ref stores, in step, work, bodyStart, bodyEnd, nonTemporal: true);
            if (finish > bodyEnd)
            {
                StorePart(ref stores, in step, work, bodyEnd, finish, nonTemporal: false);
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
            StorePart(ref stores, in step, work, offset, finish, nonTemporal: false);
            FlushLinesOf(ref stores, offset, finish);
        }
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
                stores.Drain();
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
