namespace Pmem.FSharp

#nowarn "3501" // PlanCalls: the inline members call it

open System

[<Sealed>]
type DurableBuilder() =
    member _.Return(value: 'T) = Durable.result value
    member inline _.ReturnFrom(plan: Durable<'T>) = plan
    member inline _.Bind(plan: Durable<'T>, binder: 'T -> Durable<'U>) =
        let mutable plan = plan
        PlanCalls.Bind(&plan, binder)

    member inline _.BindReturn(plan: Durable<'T>, mapping: 'T -> 'U) =
        let mutable plan = plan
        PlanCalls.Map(&plan, mapping)

    member _.Zero() = Durable.unit
    member inline _.Combine(first: Durable<unit>, second: unit -> Durable<'T>) =
        let mutable first = first
        PlanCalls.Combine(&first, second)

    member _.Delay(generator: unit -> Durable<'T>) = generator
    member _.Run(generator: unit -> Durable<'T>) = Durable.delay generator
    member _.For(items: 'T seq, body: 'T -> Durable<unit>) = Durable.iter body items
    member _.While(guard: unit -> bool, body: unit -> Durable<unit>) = Durable.whileDo guard body
    member _.TryFinally(body: unit -> Durable<'T>, compensation: unit -> unit) = Durable.tryFinally compensation body
    member _.Using(resource: 'R :> IDisposable, binder: 'R -> Durable<'T>) = Durable.using binder resource

[<AutoOpen>]
module DurableBuilderInstance =
    let durable = DurableBuilder()
