namespace Pmem.FSharp

open System
open System.Collections.Generic
open global.Pmem

/// <summary>
/// Durable.commitAtomic and Durable.recover: a plan's writes made all-or-nothing across crashes with PmemRedoLog.
/// </summary>
/// <remarks>
/// Phase 1 is the ordinary one (the plan runs against a Journal, nothing is stored), with one difference: the plan
/// sees the target as <c>region.Offset</c> bytes long, so a write into the log region (or past it) is OutOfRange
/// and nothing is written. Then the journal's writes, fills and scalars become redo-log entries in program order
/// (barriers and reads are dropped: the whole plan is one atomic group) and PmemRedoLog.Commit makes them durable:
/// entries, commit word, apply, clear. A plan that writes nothing stores nothing, not even a log.
/// </remarks>
module internal AtomicCommit =
    /// The journal's write steps as redo-log writes, in program order.
    let private writes (journal: Journal) =
        let list = List<struct (int64 * byte array)>()

        for i in 0 .. journal.Count - 1 do
            let step = &journal.Step i

            match step.Kind with
            | StepKind.Write
            | StepKind.Scalar
            | StepKind.Fill ->
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
            | StepKind.Write
            | StepKind.Scalar
            | StepKind.Fill -> total <- total + PmemRedoLog.EntryLength step.Length
            | _ -> ()

        total

    /// Runs <paramref name="body"/>, turning what the redo log and the target throw into PmemError.
    let private guarded (target: IPmemTarget) (body: unit -> Result<'T, PmemError>) =
        try
            body ()
        with
        | :? RedoLogException as e -> Error(PmemError.ofRedoLogException e)
        | :? PmemException as e -> Error(PmemError.ofException e)
        | :? ObjectDisposedException when
            (match target with
             | :? PmemMapping as m -> m.IsDisposed
             | _ -> false)
            ->
            Error PmemError.Disposed

    /// Evaluates the plan against <c>[0, region.Offset)</c> of <paramref name="target"/>, then commits its writes
    /// through the redo log in <paramref name="region"/>.
    let commit (target: IPmemTarget) (region: RedoLogRegion) (evaluate: Journal -> Result<'T, PmemError>) =
        guarded target (fun () ->
            region.Validate target
            let journal = Journal()
            journal.Reset(PmemTargetAdapter(target, region.Offset), false)

            try
                match evaluate journal with
                | Error e -> Error e
                | Ok value ->
                    let length = payloadLength journal

                    if length > 0L then
                        PmemRedoLog.EnsureFits(region, length)
                        PmemRedoLog.Commit(target, region, writes journal)

                    Ok value
            finally
                journal.Clear())

    /// Completes or discards an interrupted atomic commit (PmemRedoLog.Recover).
    let recover (target: IPmemTarget) (region: RedoLogRegion) =
        guarded target (fun () -> Ok(PmemRedoLog.Recover(target, region)))
