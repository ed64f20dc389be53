namespace Pmem.FSharp

open System
open System.Collections.Generic
open Pmem

/// <summary>
/// Durable.commitAtomic and Durable.recover: a plan's writes made all-or-nothing across crashes with PmemRedoLog.
/// </summary>
/// <remarks>
/// <para>The target is claimed for the whole atomic commit (ICommitTarget.TryBegin): a Dispose on another thread cannot
/// unmap it between the log, the commit mark and the apply; a disposed target is <c>Error Disposed</c> before
/// anything, whatever the plan.</para>
/// <para>Phase 1 is the ordinary one (the plan runs against a Journal, nothing is stored; the plan's own exceptions
/// propagate, as in Durable.commit), with one difference: the plan sees the target as <c>region.Offset</c> bytes long,
/// so a write into the log region (or past it) is OutOfRange and nothing is written. Then the journal's writes, fills
/// and scalars become redo-log entries in program order (barriers and reads are dropped: the whole plan is one atomic
/// group) and PmemRedoLog.Commit makes them durable: entries, commit mark, apply, clear. A plan that writes nothing
/// stores nothing, not even a log.</para>
/// <para>The answer tells the truth: <c>Ok</c> once the commit mark is durable (if the apply or the clear then fails,
/// the data is durable in the log and the next recover completes it), <c>Error</c> only when nothing was
/// committed, except <c>RedoLog (CommitUndecided, _)</c>: the mark's msync failed and so did taking it back, and the
/// answer says exactly that (the media decides; recover after a restart completes or discards).</para>
/// </remarks>
module internal AtomicCommit =
    /// The journal's write steps as redo-log writes, in program order.
    let private writes (journal: Journal) =
        let list = List<struct (int64 * byte array)>()

        for i in 0 .. journal.Count - 1 do
            let step = &journal.Step i

            match step.Kind with
            | CommitStepKind.Write
            | CommitStepKind.Scalar
            | CommitStepKind.Fill ->
                let bytes = Array.zeroCreate (int step.Length)
                journal.CopyStepBytes(i, Span bytes)
                list.Add(struct (step.Offset, bytes))
            | _ -> ()

        list

    /// The bytes of log entries the journal's writes need (checked before any entry is built).
    let private payloadLength (journal: Journal) =
        let mutable total = 0L

        for i in 0 .. journal.Count - 1 do
            let step = &journal.Step i

            match step.Kind with
            | CommitStepKind.Write
            | CommitStepKind.Scalar
            | CommitStepKind.Fill -> total <- total + PmemRedoLog.EntryLength step.Length
            | _ -> ()

        total

    /// Runs <paramref name="body"/>, turning what the redo log and the target throw into PmemError.
    let private guarded (body: unit -> Result<'T, PmemError>) =
        try
            body ()
        with
        | :? RedoLogException as e -> Error(PmemError.ofRedoLogException e)
        | :? PmemException as e -> Error(PmemError.ofException e)
        | :? ObjectDisposedException -> Error PmemError.Disposed

    /// Evaluates the plan against <c>[0, region.Offset)</c> of <paramref name="target"/>, then commits its writes
    /// through the redo log in <paramref name="region"/>.
    let commit (target: IPmemTarget) (region: RedoLogRegion) (plan: Durable<'T>) =
        let seam = target.CommitTarget

        DurableCommit.claimed seam (fun () ->
            match guarded (fun () -> Ok(region.Validate target)) with
            | Error e -> Error e
            | Ok () ->
                let journal = Journal()
                journal.Reset(seam, region.Offset, false, false, false)

                try
                    match PlanRun.evaluate journal plan with
                    | Error e -> Error e
                    | Ok value ->
                        let length = payloadLength journal

                        if length = 0L then
                            Ok value
                        else
                            let committed = ref false

                            match
                                guarded (fun () ->
                                    PmemRedoLog.EnsureFits(region, length)
                                    PmemRedoLog.CommitReporting(seam.Claimed, region, writes journal, &committed.contents)
                                    Ok value)
                            with
                            | Error _ when committed.Value -> Ok value
                            | result -> result
                finally
                    journal.Clear())

    /// Completes or discards an interrupted atomic commit (PmemRedoLog.Recover), with the target claimed.
    let recover (target: IPmemTarget) (region: RedoLogRegion) =
        let seam = target.CommitTarget
        DurableCommit.claimed seam (fun () -> guarded (fun () -> Ok(PmemRedoLog.Recover(seam.Claimed, region))))
