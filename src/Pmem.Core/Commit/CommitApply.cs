using System;
using System.Diagnostics;
using System.Runtime.CompilerServices;

namespace Pmem;

/// <summary>
/// Phase 2 of a commit: executes a journal's steps on a target's stores, flushing each touched line once per
/// barrier group. The only place that decides how a commit stores and flushes.
/// </summary>
/// <remarks>
/// <para>Steps are applied in program order, group by group (a group ends at a Barrier step and at the end). For each
/// write, when <see cref="CopyDecision"/> would copy it non-temporally (the threshold, the store hint, eADR,
/// <c>PMEM_NO_MOVNT</c>), its whole 64-byte lines are stored non-temporally and its partial lines with ordinary
/// stores; otherwise all of it with ordinary stores. The lines (or, off pmem, pages) ordinary stores touched are
/// flushed exactly once per group, after the group's last store into them (one <see cref="ICommitStores.FlushLines"/>
/// per merged run), then one drain — or one msync per merged run of pages. A group whose stores move forward
/// (<see cref="GroupRuns.MovesForward"/>) flushes each run as soon as a store starts past it; the others collect their
/// runs and flush them, sorted and merged, when the group ends. Empty groups issue nothing. Nothing here allocates
/// once the runs are warm.</para>
/// <para>Generic over the stores so that a mapping's struct stores are called directly (inlined), not through an
/// interface: a commit of N scattered writes makes about 2N such calls.</para>
/// </remarks>
internal static class CommitApply
{
    /// <summary>Bytes per cache line: the flush granularity on x86-64.</summary>
    public const long LineSize = 64;

    /// <summary>log2 of <see cref="LineSize"/>.</summary>
    public const int LineShift = 6;

    private const long LineMask = LineSize - 1;

    /// <summary>
    /// What every target's <see cref="ICommitTarget.Apply"/> calls: <see cref="Apply"/> on its stores, through
    /// <see cref="RecordingStores{TInner}"/> when the work records its events.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Run<TStores>(ref TStores stores, bool pmem, CommitWork work)
        where TStores : ICommitStores
    {
        if (work.Events is { } events)
        {
            var recording = new RecordingStores<TStores>(stores, events, work.Forward);
            Apply(ref recording, pmem, work);
        }
        else
        {
            Apply(ref stores, pmem, work);
        }
    }

    /// <summary>
    /// <see cref="Run"/>, returning the <see cref="PmemException"/> the stores raise (msync, a target's public members)
    /// instead of throwing it: what <see cref="ICommitTarget.Apply"/> answers.
    /// </summary>
    public static PmemException? RunReporting<TStores>(ref TStores stores, bool pmem, CommitWork work)
        where TStores : ICommitStores
    {
        try
        {
            Run(ref stores, pmem, work);
            return null;
        }
        catch (PmemException e)
        {
            return e;
        }
    }

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

    /// <summary>Whether <see cref="StoreWrite"/> stores the whole lines of a pmem write of <c>[offset, offset + length)</c> non-temporally.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static bool Streams(ResolvedConfig config, PmemCopyFlags hint, long offset, long length)
    {
        long bodyStart = (offset + LineMask) & ~LineMask;
        long bodyEnd = (offset + length) & ~LineMask;
        return bodyEnd > bodyStart && NonTemporal(config, hint, length);
    }

    /// <summary>One flush of the lines of <c>[offset, finish)</c>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void FlushLinesOf<TStores>(ref TStores stores, long offset, long finish)
        where TStores : ICommitStores
    {
        long first = offset >> LineShift;
        stores.FlushLines(first, ((finish - 1) >> LineShift) + 1 - first);
    }

    /// <summary>Records in <c>work.Events</c> what a commit of <paramref name="work"/> would issue on a target of <paramref name="length"/> bytes, storing nothing.</summary>
    public static void DryRun(long length, bool pmem, CommitWork work)
    {
        Debug.Assert(work.Events is not null && !work.Forward, "a dry run records and does not forward");
        var stores = new NoStores(length);
        Run(ref stores, pmem, work);
    }

    /// <summary>Applies <paramref name="work"/> to <paramref name="stores"/>; throws only what the stores throw (PmemException from msync).</summary>
    /// <param name="stores">Where the bytes go.</param>
    /// <param name="pmem">Flush lines and drain (pmem), or msync pages.</param>
    /// <param name="work">The steps (ranges checked in phase 1) and options.</param>
    public static void Apply<TStores>(ref TStores stores, bool pmem, CommitWork work)
        where TStores : ICommitStores
    {
        ResolvedConfig config = ResolvedConfig.Current;
        long pageSize = (long)PageFlush.PageSize;
        ReadOnlySpan<CommitStep> steps = work.Steps;
        var runs = new GroupRuns(work.Runs, pmem, pageSize, pmem && GroupRuns.MovesForward(steps));
        bool groupStored = false;

        for (int i = 0; i < steps.Length; i++)
        {
            ref readonly CommitStep step = ref steps[i];
            switch (step.Kind)
            {
                case CommitStepKind.Scalar:
                    groupStored = true;
                    stores.StoreScalar(step.Offset, (int)step.Length, step.Value);
                    runs.Touch(ref stores, step.Offset, step.Length);
                    break;
                case CommitStepKind.Read:
                    break;
                case CommitStepKind.Barrier:
                    if (groupStored)
                    {
                        runs.Issue(ref stores);
                        if (pmem)
                        {
                            stores.Drain();
                        }

                        groupStored = false;
                    }

                    break;
                default:
                    Debug.Assert(step.InRange && step.Length > 0, "phase 1 kept only in-range, non-empty writes");
                    groupStored = true;
                    StoreWrite(ref stores, ref runs, pmem, config, in step, work);
                    break;
            }
        }

        if (groupStored)
        {
            runs.Issue(ref stores);
            if (pmem && work.FinalDrain)
            {
                stores.Drain();
            }
        }
    }

    /// <summary>Whether a commit stores the whole lines of a write of <paramref name="length"/> bytes non-temporally.</summary>
    /// <param name="config">The configuration in force.</param>
    /// <param name="stores">The store hint (<see cref="PmemCopyFlags.None"/>, <see cref="PmemCopyFlags.NonTemporal"/> or <see cref="PmemCopyFlags.Temporal"/>).</param>
    /// <param name="length">The write's length.</param>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static bool NonTemporal(ResolvedConfig config, PmemCopyFlags stores, long length) =>
        CopyDecision.Choose(config, stores, (nuint)length, sameAddress: false) is CopyPath.NonTemporalFlush or CopyPath.NonTemporalAutoFlush;

    private static void StoreWrite<TStores>(ref TStores stores, ref GroupRuns runs, bool pmem, ResolvedConfig config, in CommitStep step, CommitWork work)
        where TStores : ICommitStores
    {
        long offset = step.Offset;
        long finish = offset + step.Length;
        long bodyStart = (offset + LineMask) & ~LineMask;
        long bodyEnd = finish & ~LineMask;
        if (pmem && Streams(config, work.Stores, offset, step.Length))
        {
            if (bodyStart > offset)
            {
                StorePart(ref stores, in step, work, offset, bodyStart, nonTemporal: false);
                runs.Touch(ref stores, offset, bodyStart - offset);
            }

            StorePart(ref stores, in step, work, bodyStart, bodyEnd, nonTemporal: true);
            if (finish > bodyEnd)
            {
                StorePart(ref stores, in step, work, bodyEnd, finish, nonTemporal: false);
                runs.Touch(ref stores, bodyEnd, finish - bodyEnd);
            }
        }
        else
        {
            StorePart(ref stores, in step, work, offset, finish, nonTemporal: false);
            runs.Touch(ref stores, offset, step.Length);
        }
    }

    /// <summary>Stores <c>[first, stop)</c> of a Write or Fill step.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void StorePart<TStores>(ref TStores stores, in CommitStep step, CommitWork work, long first, long stop, bool nonTemporal)
        where TStores : ICommitStores
    {
        if (step.Kind == CommitStepKind.Fill)
        {
            stores.Fill(first, stop - first, (byte)step.Value, nonTemporal);
        }
        else
        {
            ReadOnlySpan<byte> bytes = work.MemoryAt((int)step.Value).Span;
            stores.Store(first, bytes.Slice((int)(first - step.Offset), (int)(stop - first)), nonTemporal);
        }
    }
}
