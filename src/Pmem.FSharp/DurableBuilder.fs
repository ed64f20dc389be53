namespace Pmem.FSharp

open System

[<Sealed>]
type DurableBuilder() =
    member _.Return(value: 'T) = Durable.result value
    member _.ReturnFrom(plan: Durable<'T>) = plan
    member _.Bind(plan: Durable<'T>, binder: 'T -> Durable<'U>) = Durable.bind binder plan
    member _.BindReturn(plan: Durable<'T>, mapping: 'T -> 'U) = Durable.map mapping plan
    member _.Zero() = Durable.unit
    member _.Combine(first: Durable<unit>, second: unit -> Durable<'T>) = Durable.combine first second
    member _.Delay(generator: unit -> Durable<'T>) = generator
    member _.Run(generator: unit -> Durable<'T>) = Durable.delay generator
    member _.For(items: 'T seq, body: 'T -> Durable<unit>) = Durable.iter body items
    member _.While(guard: unit -> bool, body: unit -> Durable<unit>) = Durable.whileDo guard body
    member _.TryFinally(body: unit -> Durable<'T>, compensation: unit -> unit) = Durable.tryFinally compensation body
    member _.Using(resource: 'R :> IDisposable, binder: 'R -> Durable<'T>) = Durable.using binder resource

[<AutoOpen>]
module DurableBuilderInstance =
    let durable = DurableBuilder()
