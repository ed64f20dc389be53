namespace Pmem.FSharp

open System
open System.Collections.Generic
open System.Runtime.CompilerServices
open System.Runtime.ExceptionServices
open Pmem

/// <summary>
/// Durable.commit: claim the target, run the plan into the thread's journal (phase 1, nothing stored), then hand the
/// steps to the target's <c>ICommitTarget.Apply</c> (phase 2: Core's CommitApply decides the stores and flushes).
/// </summary>
module internal DurableCommit =
    /// Runs <paramref name="body"/> with <paramref name="target"/> claimed for the calling thread (a mapping stays
    /// mapped until it returns); <c>Error Disposed</c> when the target was disposed, without running it.
    let inline claimed (target: ICommitTarget) ([<InlineIfLambda>] body: unit -> Result<'T, PmemError>) =
        let slot = MappingUse.ForThisThread

        if not (target.TryBegin slot) then
            Error PmemError.Disposed
        else
            try
                body ()
            finally
                target.End slot

    /// Phase 1 (the plan into the journal, nothing stored), then phase 2 (the journal's work to the target it was
    /// reset for): the plan's value, and in <paramref name="failed"/> the PmemException the target returned (null:
    /// durable). No exception handler here (see runAndApply). The journal is the only value kept while the plan runs:
    /// the fewer, the more of a plan's loop stays in registers.
    let inline private runThenApply (journal: Journal) (plan: inref<Durable<'T>>) (failed: byref<PmemException | null>) : 'T =
        let value = PlanRun.runInRef journal &plan
        failed <- (Unchecked.nonNull journal.Target).Apply journal.Work
        value

    /// runThenApply for a unit plan (PlanRun.runUnitInRef; a block committed on its own goes to commitBlock): what
    /// the target returned. Inlined into commitUnit, so that the whole commit is one frame.
    [<MethodImpl(MethodImplOptions.AggressiveInlining)>]
    let private runThenApplyUnit (journal: Journal) (plan: inref<Durable<unit>>) : PmemException | null =
        PlanRun.runUnitInRef journal &plan
        (Unchecked.nonNull journal.Target).Apply journal.Work

    /// runThenApply for any other plan, in a call of its own (shared code for every reference type 'T).
    [<MethodImpl(MethodImplOptions.NoInlining)>]
    let private runThenApplyAny journal (plan: inref<Durable<'T>>) (failed: byref<PmemException | null>) : 'T =
        runThenApply journal &plan &failed

    /// What a commit answers when its phases threw <paramref name="e"/>: why the plan stopped; anything else (the
    /// plan's own code, say: the target returns what it raises, Apply) goes to the thread's CommitScratch.Fault, for
    /// the commit to rethrow once it has released the journal and the claim (rethrowFault). Kept there, not in a
    /// local: a local the handler writes lives in memory, and its zeroing is a store on every commit.
    let private stopReason (e: exn) (thread: CommitScratch) : PmemError =
        match e with
        | :? PlanAbortedException as e -> e.Error
        | e ->
            thread.Fault <- e
            PmemError.Disposed

    /// Rethrows the fault stopReason kept on <paramref name="thread"/> (with its original stack), forgetting it.
    let inline private rethrowFault (thread: CommitScratch) =
        match thread.Fault with
        | null -> ()
        | fault ->
            thread.Fault <- null
            ExceptionDispatchInfo.Throw fault

    /// The error the target's <paramref name="failed"/> is, or null.
    let inline private errorOf (failed: PmemException | null) : PmemError | null =
        match failed with
        | null -> null
        | e -> PmemError.ofException e

    /// The journal reset for <paramref name="target"/>, the options set: before the plan runs, so that the options
    /// are not kept while it runs.
    let inline private prepare (target: ICommitTarget) (options: CommitOptions) (events: List<CommitEvent> | null) (journal: Journal) (direct: bool) =
        journal.Reset(target, target.Length, false, direct, true)
        journal.SetOptions(options, events)

    /// <summary>Both phases (runThenApply): null, having put the plan's value in <paramref name="value"/>, or why the
    /// plan stopped, or the target's PmemException (msync, a sparse file's ENOSPC, a read-only mapping) as an error.
    /// One reference leaves the handler, not a Result (three values kept in memory, then copied).</summary>
    /// <remarks>
    /// Inlined into both commit paths, and a unit plan's phases into it: one frame for the whole commit. This is the
    /// commit's only exception handler and there is no finally (whose handler keeps the values it uses in memory): the
    /// caller releases the journal and the claim, then rethrows the fault. Every memory write here (a saved
    /// register, a spilled value) queues behind the previous commit's drain, so what runs inside keeps its values in
    /// registers: in a plan's loop of writes no call the JIT cannot see never returns (PlanCalls.Current throws
    /// where it is inlined), no type test through a runtime helper (PlanRun.tryRecord), no array growth inline
    /// (CommitWork.Append); a value live across a call on any path is otherwise saved to the stack on every path,
    /// which was a dozen stores per write.
    /// </remarks>
    let inline private runAndApply
        (target: ICommitTarget)
        (options: CommitOptions)
        (events: List<CommitEvent> | null)
        (journal: Journal)
        (plan: inref<Durable<'T>>)
        (value: byref<'T>)
        (thread: CommitScratch)
        : PmemError | null =
        prepare target options events journal false

        try
            if Type.op_Equality (typeof<'T>, typeof<unit>) then
                let unitPlan = &Unsafe.As<Durable<'T>, Durable<unit>>(&Unsafe.AsRef<Durable<'T>>(&plan))
                // A unit plan's value is (), the default value stays.
                errorOf (runThenApplyUnit journal &unitPlan)
            else
                let mutable failed = null
                value <- runThenApplyAny journal &plan &failed
                errorOf failed
        with e ->
            stopReason e thread

    /// Rethrows the fault kept on <paramref name="thread"/> when there is one, else the value, or the error.
    let inline private rethrowOr (thread: CommitScratch) (stopped: PmemError | null) (value: 'T) : Result<'T, PmemError> =
        rethrowFault thread

        match stopped with
        | null -> Ok value
        | e -> Error e

    /// A commit on a thread whose own buffers are rented (a plan whose code commits) or whose active journal is
    /// another's (a commit inside a render or an atomic commit's plan): fresh buffers, or the own ones with the other
    /// journal set aside, restored after. The target is claimed; this ends the claim.
    [<MethodImpl(MethodImplOptions.NoInlining)>]
    let private commitNested
        (target: ICommitTarget)
        (options: CommitOptions)
        (events: List<CommitEvent> | null)
        (plan: inref<Durable<'T>>)
        (slot: MappingUse)
        (thread: CommitScratch)
        =
        let own = not thread.InUse
        let scratch = if own then thread else CommitScratch()
        scratch.InUse <- true
        let journal = scratch.Journal
        let outer = thread.Other
        thread.Other <- if own then null else journal
        let mutable value = Unchecked.defaultof<'T>
        let stopped = runAndApply target options events journal &plan &value thread
        thread.Other <- outer
        journal.Clear()
        scratch.InUse <- false
        target.End slot
        journal.Work.FinishDrain()
        rethrowOr thread stopped value

    /// commitBlock on a thread whose buffers are in use (commitNested): the block as a plan.
    [<MethodImpl(MethodImplOptions.NoInlining)>]
    let private blockNested (target: ICommitTarget) (options: CommitOptions) (code: obj -> unit) (slot: MappingUse) (thread: CommitScratch) =
        let plan = PlanRun.block code

        match commitNested target options null &plan slot thread with
        | Ok() -> null
        | Error e -> e

    /// <summary>
    /// Claims the target, runs the plan into the thread's scratch journal (phase 1, nothing stored), hands the steps to
    /// the target (phase 2); <c>Error Disposed</c> when the target was disposed, without running the plan.
    /// <paramref name="events"/>: null, or where every store, flush and drain is recorded.
    /// </summary>
    /// <remarks>
    /// Why so lean (the thread's slot read once, for the claim, the buffers and the end; the buffers re-read, not kept;
    /// no finally; one exception handler, runAndApply; the result built once, at the end): this code runs while the previous
    /// commit's drain completes, and every memory write it makes (a call's saved registers, a value spilled to the
    /// stack) queues behind that drain; past the store queue's depth the commit waits for the drain instead of
    /// overlapping it, which hand-written C# (a store, a flush, a fence) never does.
    /// </remarks>
    let inline private commitBody
        (target: ICommitTarget)
        (options: CommitOptions)
        (events: List<CommitEvent> | null)
        (plan: inref<Durable<'T>>)
        : Result<'T, PmemError> =
        let slot = MappingUse.ForThisThread

        if not (target.TryBegin slot) then
            Error PmemError.Disposed
        else
            let thread = CommitScratch.In slot

            if thread.InUse || not (isNull thread.Other) then
                commitNested target options events &plan slot thread
            else
                // The own buffers: their journal is the active one while InUse (and Other is null).
                thread.InUse <- true
                let mutable value = Unchecked.defaultof<'T>
                let stopped = runAndApply target options events thread.Journal &plan &value thread
                thread.Journal.Clear()
                thread.InUse <- false
                target.End slot
                // The final drain Apply left to the commit's end (CommitWork.DrainAtEnd), after the bookkeeping above.
                thread.Journal.Work.FinishDrain()
                rethrowOr thread stopped value

    /// <summary>commitBody for a durable { } block whose value is unit (PlanRun.block: <paramref name="code"/> records
    /// its steps into the journal it is given): null when the block is durable, else why not.</summary>
    /// <remarks>
    /// The commonest plan, as code of its own that takes the block's code, not the plan: the caller keeps no plan in
    /// memory to pass by address, and the answer is one reference, returned in a register, not a Result (a struct
    /// returned through memory); PlanCalls.Commit makes the Result where it is inlined.
    /// </remarks>
    let commitBlock (target: ICommitTarget) (options: CommitOptions) (code: obj -> unit) : PmemError | null =
        let slot = MappingUse.ForThisThread

        if not (target.TryBegin slot) then
            PmemError.Disposed
        else
            let thread = CommitScratch.In slot

            if thread.InUse || not (isNull thread.Other) then
                blockNested target options code slot thread
            else
                thread.InUse <- true
                let journal = thread.Journal
                // The block's last step is the commit's last: when it is the only store, it goes to the target at
                // once (Journal.WriteLast), and there is no step left to apply (Apply would issue nothing: an empty
                // group issues nothing, and no step is refused).
                prepare target options null journal true

                let stopped =
                    try
                        code journal

                        if journal.Count = 0 then
                            null
                        else
                            errorOf ((Unchecked.nonNull journal.Target).Apply journal.Work)
                    with e ->
                        stopReason e (CommitScratch.In slot)

                // Found again from the slot, the one value kept across the handler (each such value is written to
                // the stack where it is made, while the previous commit's drain completes).
                let thread = CommitScratch.In slot
                let journal = thread.Journal
                let target = Unchecked.nonNull journal.Target
                journal.Clear()
                thread.InUse <- false
                target.End slot
                journal.Work.FinishDrain()
                rethrowFault thread
                stopped

    // A block committed where it is written (Durable.committing): the block's code is inlined into its caller between
    // enterBlock and leaveBlock, so no closure is made for it (no allocation) and none is called.

    /// The journal a nested block records into: the thread's own buffers with the active journal set aside, or fresh
    /// ones while the own are rented (as commitNested), the journal active before kept in SavedOuter.
    [<MethodImpl(MethodImplOptions.NoInlining)>]
    let private enterNested (target: ICommitTarget) (options: CommitOptions) (thread: CommitScratch) =
        let own = not thread.InUse
        let scratch = if own then thread else CommitScratch()
        scratch.InUse <- true
        let journal = scratch.Journal
        journal.SavedOuter <- thread.Other
        thread.Other <- if own then null else journal
        prepare target options null journal false
        journal

    /// Claims the target and rents the thread's journal, prepared for it: the journal the block records into, or null
    /// when the target was disposed (nothing claimed, the block must not run). Every non-null answer is ended by
    /// leaveBlock.
    let enterBlock (target: ICommitTarget) (options: CommitOptions) : Journal | null =
        let slot = MappingUse.ForThisThread

        if not (target.TryBegin slot) then
            null
        else
            let thread = CommitScratch.In slot

            if thread.InUse || not (isNull thread.Other) then
                enterNested target options thread
            else
                thread.InUse <- true
                let journal = thread.Journal
                // As commitBlock: the block's last step is the commit's last.
                prepare target options null journal true
                journal

    /// Phase 2 of an entered block whose code has run: null when durable, else why not.
    let applyBlock (journal: Journal) : PmemError | null =
        if journal.Count = 0 then
            null
        else
            errorOf ((Unchecked.nonNull journal.Target).Apply journal.Work)

    /// What an entered block answers when its code or its apply threw <paramref name="e"/> (stopReason: anything but
    /// a stopped plan is kept for leaveBlock to rethrow).
    let stopBlock (e: exn) : PmemError = stopReason e (CommitScratch.In MappingUse.ForThisThread)

    /// Ends an entered block: the journal cleared and given back (the journal active before restored), the claim
    /// ended, the final drain issued; then the exception its code threw, if any, is rethrown.
    let leaveBlock (journal: Journal) : unit =
        let slot = MappingUse.ForThisThread
        let thread = CommitScratch.In slot
        let target = Unchecked.nonNull journal.Target
        journal.Clear()

        if Object.ReferenceEquals(journal, thread.Journal) then
            match journal.SavedOuter with
            | null -> ()
            | outer ->
                journal.SavedOuter <- null
                thread.Other <- outer

            thread.InUse <- false
        else
            thread.Other <- journal.SavedOuter
            journal.SavedOuter <- null

        target.End slot
        journal.Work.FinishDrain()
        rethrowFault thread

    /// commitBody for any plan (shared code for every reference type 'T).
    let commitOn (target: ICommitTarget) (options: CommitOptions) (events: List<CommitEvent> | null) (plan: inref<Durable<'T>>) =
        commitBody target options events &plan

    /// commitBody for a Durable&lt;unit&gt;, the commonest plan, as code of its own: a generic function over a reference
    /// type is compiled once for all of them and looks its types up at run time (its generic context kept in memory,
    /// a store that queues behind the previous commit's drain, like every other), where this one knows them.
    /// The plan comes as its fields: a caller that passed its address would keep its plan in memory on every path,
    /// a block's included (PlanCalls.Commit).
    let commitUnit (target: ICommitTarget) (options: CommitOptions) (run: obj | null) (next: obj | null) (a: int64) (b: int64) =
        let plan: Durable<unit> = { Run = run; Then = next; A = a; B = b }
        commitBody target options null &plan

    let commitWith (options: CommitOptions) (target: IPmemTarget) (plan: Durable<'T>) =
        commitOn target.CommitTarget options null &plan

    /// An instrumented commit: the result, and every call the commit made on the target's stores.
    let commitRecorded (options: CommitOptions) (target: IPmemTarget) (plan: Durable<'T>) =
        let events = List<CommitEvent>()
        let result = commitOn target.CommitTarget options events &plan
        result, events |> Seq.map TargetEvent.ofCommitEvent |> List.ofSeq
