namespace Pmem.FSharp

#nowarn "3501" // PlanCalls: Run calls it

open System
open Pmem

// The members that record are durable's (they run while the block's code runs, recording into the thread's active
// journal). Run is the commit: EnterBlock, the block's code inlined here, ApplyBlock, LeaveBlock; the same steps as
// DurableCommit.commitBlock, with the code in the caller instead of a closure.
[<Struct; NoEquality; NoComparison>]
type DurableCommitBuilder(target: IPmemTarget, options: CommitOptions) =
    member _.Target = target

    member _.Options = options

    member inline _.Return(value: 'T) = durable.Return value

    member inline _.ReturnFrom(plan: Durable<'T>) = plan

    member inline _.Bind(plan: Durable<'T>, [<InlineIfLambda>] binder: 'T -> Durable<'U>) : Durable<'U> = durable.Bind(plan, binder)

    member inline _.BindReturn(plan: Durable<'T>, [<InlineIfLambda>] mapping: 'T -> 'U) : Durable<'U> = durable.BindReturn(plan, mapping)

    member inline _.Zero() = durable.Zero()

    member inline _.Combine(first: Durable<unit>, [<InlineIfLambda>] second: unit -> Durable<'T>) : Durable<'T> =
        durable.Combine(first, second)

    member inline _.Delay([<InlineIfLambda>] generator: unit -> Durable<'T>) = generator

    // An `if` over a statement, not a match whose arm is the block: F# moves a large match arm into a method of its
    // own (a `$cont` function: one more call, its arguments passed through memory), which it did for a log append.
    member inline this.Run([<InlineIfLambda>] generator: unit -> Durable<'T>) : Result<'T, PmemError> =
        let journal = PlanCalls.EnterBlock(this.Target, this.Options)
        let mutable value = Unchecked.defaultof<'T>
        let mutable stopped: PmemError | null = PmemError.Disposed

        if not (isNull journal) then
            let journal = Unchecked.nonNull journal

            stopped <-
                try
                    let mutable last = 0
                    value <- PlanCalls.RunLast(journal, generator (), &last)
                    PlanCalls.ApplyBlock journal
                with e ->
                    PlanCalls.StopBlock e

            PlanCalls.LeaveBlock journal

        match stopped with
        | null -> Ok value
        | e -> Error e

    member inline _.For(items: 'T seq, [<InlineIfLambda>] body: 'T -> Durable<unit>) : Durable<unit> = durable.For(items, body)

    member inline _.While([<InlineIfLambda>] guard: unit -> bool, [<InlineIfLambda>] body: unit -> Durable<unit>) : Durable<unit> =
        durable.While(guard, body)

    member inline _.TryFinally([<InlineIfLambda>] body: unit -> Durable<'T>, [<InlineIfLambda>] compensation: unit -> unit) : Durable<'T> =
        durable.TryFinally(body, compensation)

    member inline _.Using(resource: 'R :> IDisposable, [<InlineIfLambda>] binder: 'R -> Durable<'T>) : Durable<'T> =
        durable.Using(resource, binder)
