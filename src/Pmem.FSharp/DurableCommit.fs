namespace Pmem.FSharp

open System
open System.Collections.Generic
open Pmem

/// <summary>
/// Durable.commit: claim the target, run the plan into the thread's journal (phase 1, nothing stored), then hand the
/// steps to the target's <c>ICommitTarget.Apply</c> (phase 2: Core's CommitApply decides the stores and flushes).
/// </summary>
module internal DurableCommit =
    /// The store hint as Core's copy flags (what CopyDecision reads).
    let inline storesOf (options: CommitOptions) =
        match options.Stores with
        | StoreHint.Auto -> PmemCopyFlags.None
        | StoreHint.NonTemporal -> PmemCopyFlags.NonTemporal
        | StoreHint.Temporal -> PmemCopyFlags.Temporal

    /// Runs <paramref name="body"/> with <paramref name="target"/> claimed for the calling thread (a mapping stays
    /// mapped until it returns); <c>Error Disposed</c> when the target was disposed, without running it.
    let inline claimed (target: ICommitTarget) ([<InlineIfLambda>] body: unit -> Result<'T, PmemError>) =
        if not (target.TryBegin()) then
            Error PmemError.Disposed
        else
            try
                body ()
            finally
                target.End()

    /// Phase 2 on the claimed target: Ok, or the target's PmemException (msync, a sparse file's ENOSPC, a read-only
    /// mapping) as an error.
    let private apply (target: ICommitTarget) (work: inref<CommitWork>) : PmemError | null =
        try
            target.Apply(&work)
            null
        with :? PmemException as e ->
            PmemError.ofException e

    /// <summary>
    /// Claims the target, runs the plan into the thread's scratch journal (phase 1, nothing stored), hands the steps to
    /// the target (phase 2); <c>Error Disposed</c> when the target was disposed, without running the plan.
    /// <paramref name="events"/>: null, or where every store, flush and drain is recorded.
    /// </summary>
    /// <remarks>
    /// One frame for all of it (not through claimed: the plan is an inref, which no lambda may capture). Why so flat:
    /// this code runs while the previous commit's drain completes, and every memory write it makes (a call's saved
    /// registers among them) queues behind that drain; past the store queue's depth the commit waits for the drain
    /// instead of overlapping it, which hand-written C# (a store, a flush, a fence) never does.
    /// </remarks>
    let commitOn (target: ICommitTarget) (options: CommitOptions) (events: List<CommitEvent> | null) (plan: inref<Durable<'T>>) =
        if not (target.TryBegin()) then
            Error PmemError.Disposed
        else
            let thread = CommitScratch.ForThread()
            // The thread's own buffers (their journal is active while InUse and Other is null), or fresh ones for a
            // commit nested in a plan (made active through Other).
            let own = not thread.InUse
            let scratch = if own then thread else CommitScratch()
            scratch.InUse <- true
            let journal = scratch.Journal
            let outer = thread.Other

            try
                journal.Reset(target, target.Length, false)

                if not own then thread.Other <- journal
                elif not (isNull outer) then thread.Other <- null
                let mutable value = Unchecked.defaultof<'T>

                let stopped: PmemError | null =
                    try
                        value <- PlanRun.runInRef journal &plan
                        null
                    with :? PlanAbortedException as e ->
                        e.Error

                match stopped with
                | null ->
                    let work =
                        CommitWork(journal.Steps, journal.Memory, storesOf options, options.FinalDrain, scratch.Runs, events, true)

                    match apply target &work with
                    | null -> Ok value
                    | failed -> Error failed
                | e -> Error e
            finally
                if not own || not (isNull outer) then
                    thread.Other <- outer

                journal.Clear()
                scratch.InUse <- false
                target.End()

    let commitWith (options: CommitOptions) (target: IPmemTarget) (plan: Durable<'T>) =
        commitOn target.CommitTarget options null &plan

    /// An instrumented commit: the result, and every call the commit made on the target's stores.
    let commitRecorded (options: CommitOptions) (target: IPmemTarget) (plan: Durable<'T>) =
        let events = List<CommitEvent>()
        let result = commitOn target.CommitTarget options events &plan
        result, events |> Seq.map TargetEvent.ofCommitEvent |> List.ofSeq
