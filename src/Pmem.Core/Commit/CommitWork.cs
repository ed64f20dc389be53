using System;
using System.Collections.Generic;

namespace Pmem;

/// <summary>What phase 2 of a commit applies: the journal's steps, the memory of its Write steps, and the options.</summary>
/// <param name="Steps">The steps in program order; every range lies inside the target and none is empty.</param>
/// <param name="Memory">The memory Write steps store (<see cref="CommitStep.Value"/> indexes it).</param>
/// <param name="Stores"><see cref="PmemCopyFlags.None"/> (the threshold decides), <see cref="PmemCopyFlags.NonTemporal"/> or <see cref="PmemCopyFlags.Temporal"/>.</param>
/// <param name="FinalDrain">Whether the last group ends with a drain.</param>
/// <param name="Runs">Scratch for the touched lines or pages (reused: no allocation once warm).</param>
/// <param name="Events">null, or where every call the commit makes on the stores is recorded (instrumentation, dry runs).</param>
/// <param name="Forward">With <paramref name="Events"/>: whether the calls also reach the stores (false: a dry run that stores nothing).</param>
internal readonly ref struct CommitWork(
    ReadOnlySpan<CommitStep> Steps, ReadOnlySpan<ReadOnlyMemory<byte>> Memory, PmemCopyFlags Stores, bool FinalDrain, TouchedRuns Runs,
    List<CommitEvent>? Events = null, bool Forward = true)
{
    public List<CommitEvent>? Events { get; } = Events;

    public bool Forward { get; } = Forward;

    public ReadOnlySpan<CommitStep> Steps { get; } = Steps;

    public ReadOnlySpan<ReadOnlyMemory<byte>> Memory { get; } = Memory;

    public PmemCopyFlags Stores { get; } = Stores;

    public bool FinalDrain { get; } = FinalDrain;

    public TouchedRuns Runs { get; } = Runs;
}
