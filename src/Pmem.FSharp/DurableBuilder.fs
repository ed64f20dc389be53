namespace Pmem.FSharp

#nowarn "3501" // PlanCalls: the inline members call it

open System

// The members other than Run and Delay run while the plan runs (a durable { } body is the code Run wraps), so
// they record into the plan's journal at once: inline, with the continuation inlined, a block compiles to straight
// code calling the journal, with no closure per step (PlanCalls.Current says which journal).
[<Sealed>]
type DurableBuilder() =
    member inline _.Return(value: 'T) = PlanCalls.Result value

    member inline _.ReturnFrom(plan: Durable<'T>) = plan

    member inline _.Bind(plan: Durable<'T>, [<InlineIfLambda>] binder: 'T -> Durable<'U>) : Durable<'U> =
        let journal = PlanCalls.Current()
        binder (PlanCalls.RunPlan(journal, plan))

    member inline _.BindReturn(plan: Durable<'T>, [<InlineIfLambda>] mapping: 'T -> 'U) : Durable<'U> =
        if Type.op_Equality (typeof<'T>, typeof<unit>) && Type.op_Equality (typeof<'U>, typeof<unit>) then
            // `do! p` ending a block (a block of one write, a loop's body): p is what the block leaves to run, so
            // whoever runs the block records it next, as if recorded here (mapping, unit -> unit, reads nothing
            // recorded). This skips looking up the running plan's journal, a thread-static read (a call here).
            mapping Unchecked.defaultof<'T> |> ignore
            let mutable site = 0
            PlanCalls.RetypedAt(plan, &site)
        else
            let journal = PlanCalls.Current()
            PlanCalls.Result(mapping (PlanCalls.RunPlan(journal, plan)))

    member inline _.Zero() =
        let mutable site = 0
        PlanNothing<unit>.Plan(&site)

    member inline _.Combine(first: Durable<unit>, [<InlineIfLambda>] second: unit -> Durable<'T>) : Durable<'T> =
        let journal = PlanCalls.Current()
        PlanCalls.RunPlan(journal, first)
        second ()

    member inline _.Delay([<InlineIfLambda>] generator: unit -> Durable<'T>) = generator

    // The block's code in one closure that takes the running plan's journal: what the block leaves to run (its last
    // `do!`, BindReturn) is recorded there with the journal at hand, not returned (a 32-byte struct, through memory)
    // to the commit. Calls with a byref argument: F# emits no .tail for them (a .tail call keeps a function from
    // tiering), and the caller's function builds the plan in place, with no frame of its own.
    member inline _.Run([<InlineIfLambda>] generator: unit -> Durable<'T>) =
        let mutable site = 0

        PlanCalls.BlockAt(
            (fun journal ->
                let mutable last = 0
                PlanCalls.RunLast(journal, generator (), &last)),
            &site
        )

    member inline _.For(items: 'T seq, [<InlineIfLambda>] body: 'T -> Durable<unit>) : Durable<unit> =
        let journal = PlanCalls.Current()

        // An array by index: no enumerator (an allocation, and two interface calls per item). A type test, not an
        // overload, so that `for x in xs` still infers xs as a sequence where its type is not yet known.
        match items with
        | :? ('T array) as array ->
            for i = 0 to array.Length - 1 do
                PlanCalls.RunPlan(journal, body array[i])
        | _ ->
            for item in items do
                PlanCalls.RunPlan(journal, body item)

        let mutable site = 0
        PlanNothing<unit>.Plan(&site)

    member inline _.While([<InlineIfLambda>] guard: unit -> bool, [<InlineIfLambda>] body: unit -> Durable<unit>) : Durable<unit> =
        let journal = PlanCalls.Current()

        while guard () do
            PlanCalls.RunPlan(journal, body ())

        let mutable site = 0
        PlanNothing<unit>.Plan(&site)

    member inline _.TryFinally([<InlineIfLambda>] body: unit -> Durable<'T>, [<InlineIfLambda>] compensation: unit -> unit) : Durable<'T> =
        let journal = PlanCalls.Current()

        let value =
            try
                PlanCalls.RunPlan(journal, body ())
            finally
                compensation ()

        PlanCalls.Result value

    member inline _.Using(resource: 'R :> IDisposable, [<InlineIfLambda>] binder: 'R -> Durable<'T>) : Durable<'T> =
        let journal = PlanCalls.Current()

        let value =
            try
                PlanCalls.RunPlan(journal, binder resource)
            finally
                match box resource with
                | null -> ()
                | _ -> resource.Dispose()

        PlanCalls.Result value

[<AutoOpen>]
module DurableBuilderInstance =
    let durable = DurableBuilder()
