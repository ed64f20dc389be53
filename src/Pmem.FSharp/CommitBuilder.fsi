namespace Pmem.FSharp

open System
open Pmem

/// <summary>
/// The builder of <c>Durable.committing target { … }</c>: a durable block committed where it is written, to one target,
/// with the same guarantees and answer as <c>Durable.commit target (durable { … })</c>.
/// </summary>
/// <remarks>
/// The block is not a plan value: its code is compiled into the caller between the commit's start and end, so a
/// commit allocates nothing and calls no closure. The members other than <c>Run</c> are those of <c>durable</c>.
/// </remarks>
[<Struct; NoEquality; NoComparison>]
type DurableCommitBuilder =
    /// A builder that commits to <paramref name="target"/> with <paramref name="options"/>
    /// (use <c>Durable.committing</c>).
    new: target: IPmemTarget * options: CommitOptions -> DurableCommitBuilder

    /// The target the block is committed to.
    member Target: IPmemTarget

    /// The options of the commit.
    member Options: CommitOptions

    /// Enables <c>return value</c>.
    member inline Return: value: 'T -> Durable<'T>

    /// Enables <c>return! plan</c>.
    member inline ReturnFrom: plan: Durable<'T> -> Durable<'T>

    /// Enables <c>let! value = plan</c> and <c>do! plan</c>.
    member inline Bind: plan: Durable<'T> * [<InlineIfLambda>] binder: ('T -> Durable<'U>) -> Durable<'U>

    /// Enables <c>let! value = plan</c> followed directly by <c>return</c>.
    member inline BindReturn: plan: Durable<'T> * [<InlineIfLambda>] mapping: ('T -> 'U) -> Durable<'U>

    /// Enables <c>if … then</c> without <c>else</c>, and an expression that ends without <c>return</c>.
    member inline Zero: unit -> Durable<unit>

    /// Enables one statement after another.
    member inline Combine: first: Durable<unit> * [<InlineIfLambda>] second: (unit -> Durable<'T>) -> Durable<'T>

    /// Keeps the body unevaluated until <c>Run</c> commits it.
    member inline Delay: [<InlineIfLambda>] generator: (unit -> Durable<'T>) -> (unit -> Durable<'T>)

    /// <summary>Commits the block now: claims the target, runs the block's code into the thread's journal (nothing
    /// stored), then applies it. Answers as <c>Durable.commit</c>: <c>Ok value</c> when everything the block wrote is
    /// durable; <c>Error Disposed</c> (the block's code not run) when the target was disposed; <c>Error
    /// OutOfRange</c> with the target unchanged; the target's error (msync, a read-only mapping). An exception the
    /// block's code throws propagates once the target is released, with nothing stored.</summary>
    member inline Run: [<InlineIfLambda>] generator: (unit -> Durable<'T>) -> Result<'T, PmemError>

    /// Enables <c>for item in items do …</c>.
    member inline For: items: 'T seq * [<InlineIfLambda>] body: ('T -> Durable<unit>) -> Durable<unit>

    /// Enables <c>while condition do …</c>.
    member inline While: [<InlineIfLambda>] guard: (unit -> bool) * [<InlineIfLambda>] body: (unit -> Durable<unit>) -> Durable<unit>

    /// Enables <c>try … finally …</c>: the finally block runs when the block's code has run, also when it stops.
    member inline TryFinally:
        [<InlineIfLambda>] body: (unit -> Durable<'T>) * [<InlineIfLambda>] compensation: (unit -> unit) -> Durable<'T>

    /// Enables <c>use resource = …</c>: disposed when the rest of the block's code has run.
    member inline Using: resource: 'R * [<InlineIfLambda>] binder: ('R -> Durable<'T>) -> Durable<'T> when 'R :> IDisposable
