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
/// <para>The short paths that skip the group loop for the commonest shapes: CommitApply.Short.cs.</para>
/// </remarks>
internal static partial class CommitApply
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
                work.DrainLast(ref stores);
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
