namespace Pmem.FSharp

open System.ComponentModel
open global.Pmem

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

    static member Commit(options: CommitOptions, target: IPmemTarget, plan: inref<Durable<'T>>) =
        DurableCommit.commitOn target.CommitTarget options null &plan
