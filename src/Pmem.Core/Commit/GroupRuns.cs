using System;
using System.Diagnostics;
using System.Runtime.CompilerServices;

namespace Pmem;

/// <summary>
/// The lines (pmem) or pages (msync) that ordinary stores of one barrier group touched, for
/// <see cref="CommitApply"/>: each is flushed exactly once when the group ends.
/// </summary>
/// <remarks>
/// Why not <see cref="TouchedRuns"/> alone: most groups touch one run (one write, a record, a tail). That run is kept
/// in this struct, in registers, and only a group touching a second, disjoint run spills into the
/// <see cref="TouchedRuns"/> (which sorts and merges). A commit's stores and flushes then issue with few memory writes
/// of bookkeeping before the flush, which matters: the bookkeeping of a commit runs while the previous commit's drain
/// completes, and stores made then queue behind that drain.
/// </remarks>
internal ref struct GroupRuns(TouchedRuns runs, bool pmem, long pageSize, bool forward)
{
    private long _first;
    private long _stop;
    private bool _spilled;

    /// <summary>
    /// Whether every barrier group of <paramref name="steps"/> touches lines in forward order: each store's first line
    /// is at or after the last line of the store before it (reads only, no bookkeeping).
    /// </summary>
    /// <remarks>
    /// Then a run of lines is complete, no later store of the group reaching into it, as soon as a store starts past
    /// it: it can be flushed at once (the same flush calls as sorting and merging at the group's end, in the same
    /// order, issued earlier, as hand-written code issues them), and a group of scattered writes needs no
    /// <see cref="TouchedRuns"/>. Whole ranges are compared (a streamed body included), a superset of what is touched.
    /// </remarks>
    public static bool MovesForward(ReadOnlySpan<CommitStep> steps)
    {
        long lastLine = long.MinValue;
        foreach (ref readonly CommitStep step in steps)
        {
            if (step.Kind == CommitStepKind.Barrier)
            {
                lastLine = long.MinValue;
            }
            else if (step.Kind != CommitStepKind.Read)
            {
                if ((step.Offset >> CommitApply.LineShift) < lastLine)
                {
                    return false;
                }

                lastLine = (step.Offset + step.Length - 1) >> CommitApply.LineShift;
            }
        }

        return true;
    }

    /// <summary>
    /// Remembers that ordinary stores touched <c>[offset, offset + length)</c> (length &gt; 0); in a group that moves
    /// forward (pmem), flushes the run before it when this range starts past it.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Touch<TStores>(ref TStores stores, long offset, long length)
        where TStores : ICommitStores
    {
        Debug.Assert(length > 0, "a touched range holds a byte");
        long first;
        long stop;
        if (pmem)
        {
            first = offset >> CommitApply.LineShift;
            stop = ((offset + length - 1) >> CommitApply.LineShift) + 1;
        }
        else
        {
            first = offset / pageSize;
            stop = ((offset + length - 1) / pageSize) + 1;
        }

        if (_spilled)
        {
            runs.Add(first, stop - 1);
        }
        else if (_stop == _first)
        {
            _first = first;
            _stop = stop;
        }
        else if (first >= _first && first <= _stop)
        {
            _stop = Math.Max(_stop, stop);
        }
        else if (forward && pmem && first > _stop)
        {
            IssueRun(ref stores, _first, _stop);
            _first = first;
            _stop = stop;
        }
        else
        {
            Spill(first, stop);
        }
    }

    /// <summary>A second, disjoint run: from here on the group's runs go to the <see cref="TouchedRuns"/>.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private void Spill(long first, long stop)
    {
        runs.Clear();
        runs.Add(_first, _stop - 1);
        runs.Add(first, stop - 1);
        _spilled = true;
    }

    /// <summary>One flush per merged run of lines, or one msync per merged run of pages (clipped to the length); then forgets them.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Issue<TStores>(ref TStores stores)
        where TStores : ICommitStores
    {
        if (_spilled)
        {
            IssueSpilled(ref stores);
        }
        else if (_stop > _first)
        {
            IssueRun(ref stores, _first, _stop);
        }

        _first = 0;
        _stop = 0;
    }

    private void IssueSpilled<TStores>(ref TStores stores)
        where TStores : ICommitStores
    {
        int count = runs.Merge();
        for (int i = 0; i < count; i++)
        {
            IssueRun(ref stores, runs.Start(i), runs.Stop(i));
        }

        runs.Clear();
        _spilled = false;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private readonly void IssueRun<TStores>(ref TStores stores, long first, long stop)
        where TStores : ICommitStores
    {
        if (pmem)
        {
            stores.FlushLines(first, stop - first);
        }
        else
        {
            long offset = first * pageSize;
            stores.Msync(offset, Math.Min(stop * pageSize, stores.Length) - offset);
        }
    }
}
