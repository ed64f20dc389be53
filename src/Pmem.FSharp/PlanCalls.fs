namespace Pmem.FSharp

open System
open System.Buffers
open System.Diagnostics
open System.ComponentModel
open System.Runtime.CompilerServices
open Pmem

[<Sealed; AbstractClass; EditorBrowsable(EditorBrowsableState.Never)>]
[<CompilerMessage("PlanNothing is what code inlined from the durable builder reads; use Durable.unit instead.", 3501, IsHidden = true)>]
type PlanNothing<'T> =
    [<Microsoft.FSharp.Core.DefaultValue>]
    static val mutable private nothing: Durable<'T>

    [<MethodImpl(MethodImplOptions.AggressiveInlining)>]
    static member Plan(_site: byref<int>) = PlanNothing<'T>.nothing

[<Sealed; AbstractClass; EditorBrowsable(EditorBrowsableState.Never)>]
[<CompilerMessage("PlanCalls is what code inlined from the durable builder and the Durable module calls; use those instead.",
                  3501,
                  IsHidden = true)>]
type PlanCalls =
    static member Map(plan: inref<Durable<'T>>, mapping: 'T -> 'U) : Durable<'U> =
        if PlanRun.isOpenUnitPlan &plan then
            PlanRun.chain &plan mapping
        else
            let plan = plan
            PlanRun.general (fun journal -> mapping (PlanRun.runIn journal plan))

    static member Bind(plan: inref<Durable<'T>>, binder: 'T -> Durable<'U>) : Durable<'U> =
        if PlanRun.isOpenUnitPlan &plan then
            PlanRun.chain &plan binder
        else
            let plan = plan
            PlanRun.general (fun journal -> PlanRun.runIn journal (binder (PlanRun.runIn journal plan)))

    static member Combine(first: inref<Durable<unit>>, second: unit -> Durable<'T>) : Durable<'T> =
        if isNull first.Then then
            PlanRun.chain &first second
        else
            let first = first

            PlanRun.general (fun journal ->
                PlanRun.runIn journal first
                PlanRun.runIn journal (second ()))

    [<MethodImpl(MethodImplOptions.NoInlining)>]
    static member private Outside() : exn =
        InvalidOperationException(
            "The durable builder's members run only inside a durable { } block, while its plan runs; "
            + "to compose plans outside one, use the Durable module (Durable.bind, Durable.map, Durable.iter)."
        )

    /// The journal of the running plan. The throw is here, where this is inlined, not in Outside: a call the JIT
    /// cannot see never returns keeps every value live across it in memory, and in a loop of writes that was four
    /// stores per write, each queued behind the previous commit's drain.
    [<MethodImpl(MethodImplOptions.AggressiveInlining)>]
    static member Current() : obj =
        match CommitScratch.ActiveOnThread with
        | null -> raise (PlanCalls.Outside())
        | journal -> journal

    [<MethodImpl(MethodImplOptions.AggressiveInlining)>]
    static member RunNow(journal: obj, plan: inref<Durable<'T>>) : 'T = PlanCalls.RunPlan(journal, plan)

    /// <paramref name="plan"/> as a Durable&lt;'U&gt;, where 'T and 'U are the same type (unit), field by field: a
    /// reinterpreting copy of a local is one wide load of fields just written one by one, which store-to-load
    /// forwarding cannot serve (behind the previous commit's drain, it waits for that drain). Through a byref
    /// parameter (any local): F# emits no .tail for such a call (PlanNothing: why that matters).
    [<MethodImpl(MethodImplOptions.AggressiveInlining)>]
    static member RetypedAt(plan: Durable<'T>, _site: byref<int>) : Durable<'U> =
        Debug.Assert(Type.op_Equality (typeof<'T>, typeof<'U>), "the same type")
        { Run = plan.Run; Then = plan.Then; A = plan.A; B = plan.B }

    /// Runs <paramref name="plan"/> into the journal of the running plan (what the builder's inline members call).
    /// By value: inlined, the plan stays in registers (a plan passed by address is kept in memory, four stores).
    [<MethodImpl(MethodImplOptions.AggressiveInlining)>]
    static member RunPlan(journal: obj, plan: Durable<'T>) : 'T = PlanCalls.RunPlanAs(journal, plan, false)

    /// RunPlan; where <paramref name="last"/> (a constant where this is inlined), the plan is a block's last step, and
    /// a scalar or an array's bytes goes to the target at once when the journal lets it (Journal.WriteLast).
    [<MethodImpl(MethodImplOptions.AggressiveInlining)>]
    static member RunPlanAs(journal: obj, plan: Durable<'T>, last: bool) : 'T =
        // The commonest plans inside a block, without the loop: a scalar or an array's bytes held as data, and a
        // finished step.
        let journal = Unchecked.nonNull (Unsafe.As<Journal> journal)

        if isNull plan.Then then
            match plan.Run with
            | null -> Unchecked.defaultof<'T>
            | :? StepCode as code when code.Kind = CommitStepKind.Scalar ->
                // Unsafe.As, not :?> (a call to UnboxGeneric where this is inlined into a block's code): Current
                // returned a Journal.
                if last then
                    journal.WriteScalarLast(plan.A, code.Operand, plan.B)
                else
                    journal.WriteScalar(plan.A, code.Operand, plan.B)

                Unchecked.defaultof<'T>
            | :? StepCode as code when last && code.Kind = CommitStepKind.Fill ->
                // A block's only fill goes to the target at once, as a write does (Journal.FillLast).
                journal.FillLast(plan.A, plan.B, byte code.Operand)
                Unchecked.defaultof<'T>
            | :? StepCode as code when code.Kind = CommitStepKind.Barrier ->
                // A log append's barrier: not through runParts's frame either.
                journal.Barrier()
                Unchecked.defaultof<'T>
            | run when PlanRun.isBytes run ->
                // A write of an array's bytes (Durable.writeMemory), recorded here rather than through runParts's
                // frame; anything else goes to runParts, which tests fully.
                let bytes = Unchecked.nonNull (Unsafe.As<byte array> run)

                if last then
                    PlanRun.recordBytesLast journal bytes plan.A plan.B
                else
                    PlanRun.recordBytes journal bytes plan.A plan.B

                Unchecked.defaultof<'T>
            | run when last && (run :? MemoryManager<byte>) ->
                // Memory no array backs, as a block's last step (`last` first: where it is false, no type test).
                PlanRun.recordManagerLast journal (Unchecked.nonNull (Unsafe.As<MemoryManager<byte>> run)) plan.A plan.B
                Unchecked.defaultof<'T>
            | run -> PlanRun.runParts journal run null plan.A plan.B
        else
            PlanRun.runParts journal plan.Run plan.Then plan.A plan.B

    [<MethodImpl(MethodImplOptions.AggressiveInlining)>]
    static member Value(value: 'T) : Durable<'T> =
        if Type.op_Equality (typeof<'T>, typeof<unit>) then
            Unchecked.defaultof<Durable<'T>>
        else
            PlanRun.general (fun _ -> value)

    /// The value as a plan without a call for unit (nothing is the default value): what the builder's members end
    /// with, in tail position in a block's code, where a call would be a .tail call (never inlined, and it keeps
    /// that code from tiering: PlanNothing).
    static member inline Result(value: 'T) : Durable<'T> =
        let mutable site = 0

        if Type.op_Equality (typeof<'T>, typeof<unit>) then
            PlanNothing<'T>.Plan(&site)
        else
            PlanCalls.ValueAt(value, &site)

    /// Value, through a byref parameter (any local): F# emits no .tail for such a call (PlanNothing: why that matters).
    // Not inlined by F# either (it would inline this small body, and its call to Value in tail position is a .tail).
    [<MethodImpl(MethodImplOptions.NoInlining)>]
    static member ValueAt(value: 'T, _site: byref<int>) : Durable<'T> = PlanCalls.Value value

    /// A durable { } block's plan: <paramref name="code"/> runs it into the journal it is given (DurableBuilder.Run),
    /// through a byref parameter: F# emits no .tail for such a call.
    [<MethodImpl(MethodImplOptions.AggressiveInlining)>]
    static member BlockAt(code: obj -> 'T, _site: byref<int>) : Durable<'T> = PlanRun.block code

    /// RunPlan where it ends a block's code (DurableBuilder.Run). F# inlines this small body where it is called, so
    /// the store to <paramref name="site"/> (any local, dropped by the JIT) keeps RunPlan's call out of tail position:
    /// F# would emit it as a .tail call, which keeps the block's code from tiering.
    [<MethodImpl(MethodImplOptions.AggressiveInlining)>]
    static member RunLast(journal: obj, plan: Durable<'T>, site: byref<int>) : 'T =
        let value = PlanCalls.RunPlanAs(journal, plan, true)
        site <- 0
        value

    /// The plan that runs <paramref name="generator"/> each time it runs, through a byref parameter: F# emits no .tail
    /// for such a call. What DurableBuilder.Run made before blocks were one closure (BlockAt); kept for code compiled
    /// against that builder, whose inlined Run calls it.
    [<MethodImpl(MethodImplOptions.AggressiveInlining)>]
    static member DelayedAt(generator: unit -> Durable<'T>, _site: byref<int>) : Durable<'T> = PlanRun.delayed generator

    static member EnterBlock(target: IPmemTarget, options: CommitOptions) : obj | null =
        DurableCommit.enterBlock target.CommitTarget options

    static member ApplyBlock(journal: obj) : PmemError | null =
        DurableCommit.applyBlock (Unchecked.nonNull (Unsafe.As<Journal> journal))

    static member StopBlock(e: exn) : PmemError = DurableCommit.stopBlock e

    static member LeaveBlock(journal: obj) : unit =
        DurableCommit.leaveBlock (Unchecked.nonNull (Unsafe.As<Journal> journal))

    [<MethodImpl(MethodImplOptions.AggressiveInlining)>]
    static member Commit(options: CommitOptions, target: IPmemTarget, plan: inref<Durable<'T>>) : Result<'T, PmemError> =
        // A unit plan goes to code of its own (DurableCommit.commitUnit: why); the test is folded where 'T is known.
        if Type.op_Equality (typeof<'T>, typeof<unit>) then
            let mutable result =
                if Object.ReferenceEquals(plan.Run, StepCode.Block) then
                    // A durable { } block (DurableBuilder.Run): its code alone goes, the Result is made here.
                    match DurableCommit.commitBlock target.CommitTarget options (Unchecked.nonNull (Unsafe.As<obj -> unit> plan.Then)) with
                    | null -> Ok()
                    | e -> Error e
                else
                    DurableCommit.commitUnit target.CommitTarget options plan.Run plan.Then plan.A plan.B

            Unsafe.As<Result<unit, PmemError>, Result<'T, PmemError>>(&result)
        else
            DurableCommit.commitOn target.CommitTarget options null &plan
