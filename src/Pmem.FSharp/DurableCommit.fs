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
    let storesOf (options: CommitOptions) =
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

    /// Phase 1 into the scratch journal, then phase 2 on the (claimed) target; <paramref name="events"/>: null, or
    /// where every store, flush and drain is recorded.
    let execute
        (scratch: CommitScratch)
        (target: ICommitTarget)
        (options: CommitOptions)
        (events: List<CommitEvent> | null)
        (plan: inref<Durable<'T>>)
        =
        let journal = scratch.Journal
        journal.Reset(target, target.Length, false)

        try
            match PlanRun.evaluateRef journal &plan with
            | Error e -> Error e
            | Ok value ->
                try
                    let work =
                        CommitWork(journal.Steps, journal.Memory, storesOf options, options.FinalDrain, scratch.Runs, events, true)

                    target.Apply(&work)

                    Ok value
                with :? PmemException as e ->
                    Error(PmemError.ofException e)
        finally
            journal.Clear()

    /// Claims the target and commits with the thread's scratch (a mapping stays mapped until it returns);
    /// <c>Error Disposed</c> when the target was disposed, without running the plan. (Not through claimed: the plan is
    /// an inref, which no lambda may capture.)
    let commitOn (target: ICommitTarget) (options: CommitOptions) (events: List<CommitEvent> | null) (plan: inref<Durable<'T>>) =
        if not (target.TryBegin()) then
            Error PmemError.Disposed
        else
            let scratch = CommitScratch.Rent()

            try
                execute scratch target options events &plan
            finally
                CommitScratch.Return scratch
                target.End()

    let commitWith (options: CommitOptions) (target: IPmemTarget) (plan: Durable<'T>) =
        commitOn target.CommitTarget options null &plan

    /// An instrumented commit: the result, and every call the commit made on the target's stores.
    let commitRecorded (options: CommitOptions) (target: IPmemTarget) (plan: Durable<'T>) =
        let events = List<CommitEvent>()
        let result = commitOn target.CommitTarget options events &plan
        result, events |> Seq.map TargetEvent.ofCommitEvent |> List.ofSeq
