namespace Pmem.FSharp

open System
open System.ComponentModel
open System.Runtime.CompilerServices
open Pmem

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
    static member private Outside() : obj =
        raise (
            InvalidOperationException(
                "The durable builder's members run only inside a durable { } block, while its plan runs; "
                + "to compose plans outside one, use the Durable module (Durable.bind, Durable.map, Durable.iter)."
            )
        )

    [<MethodImpl(MethodImplOptions.AggressiveInlining)>]
    static member Current() : obj =
        match Ambient.Journal with
        | null -> PlanCalls.Outside()
        | journal -> journal

    [<MethodImpl(MethodImplOptions.AggressiveInlining)>]
    static member RunNow(journal: obj, plan: inref<Durable<'T>>) : 'T =
        // The two commonest plans inside a block, without the loop: a write held as data, and a finished step.
        if isNull plan.Then then
            match plan.Run with
            | :? StepCode as code when code.Kind = CommitStepKind.Scalar ->
                (journal :?> Journal).WriteScalar(plan.A, code.Operand, plan.B)
                Unchecked.defaultof<'T>
            | run when Object.ReferenceEquals(run, StepCode.Nothing) -> Unchecked.defaultof<'T>
            | _ -> PlanRun.runInRef (journal :?> Journal) &plan
        else
            PlanRun.runInRef (journal :?> Journal) &plan

    [<MethodImpl(MethodImplOptions.AggressiveInlining)>]
    static member Value(value: 'T) : Durable<'T> =
        if Type.op_Equality (typeof<'T>, typeof<unit>) then
            { Run = StepCode.Nothing; Then = null; A = 0L; B = 0L }
        else
            PlanRun.general (fun _ -> value)

    static member Commit(options: CommitOptions, target: IPmemTarget, plan: inref<Durable<'T>>) =
        DurableCommit.commitOn target.CommitTarget options null &plan
