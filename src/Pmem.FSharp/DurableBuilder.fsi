namespace Pmem.FSharp

open System

/// <summary>The <c>durable { }</c> computation expression: builds a Durable plan; nothing runs until it is committed.</summary>
/// <remarks>
/// <c>Run</c> makes the plan; the other members run each time the plan runs (a commit or a render calls the block's
/// body), inline, recording into the running plan at once, so a block compiles to straight code with no closure per
/// step. They throw InvalidOperationException when called outside a running plan (compose plans there with the
/// Durable module).
/// </remarks>
[<Sealed>]
type DurableBuilder =
    /// Creates the builder (use the <c>durable</c> value).
    new: unit -> DurableBuilder

    /// Enables <c>return value</c>.
    member inline Return: value: 'T -> Durable<'T>

    /// Enables <c>return! plan</c>.
    member inline ReturnFrom: plan: Durable<'T> -> Durable<'T>

    /// Enables <c>let! value = plan</c> and <c>do! plan</c>.
    member inline Bind: plan: Durable<'T> * [<InlineIfLambda>] binder: ('T -> Durable<'U>) -> Durable<'U>

    /// Enables <c>let! value = plan</c> followed directly by <c>return</c> (one step instead of two).
    member inline BindReturn: plan: Durable<'T> * [<InlineIfLambda>] mapping: ('T -> 'U) -> Durable<'U>

    /// Enables <c>if … then</c> without <c>else</c>, and an expression that ends without <c>return</c>.
    member inline Zero: unit -> Durable<unit>

    /// Enables one statement after another (<c>do! a; do! b</c>).
    member inline Combine: first: Durable<unit> * [<InlineIfLambda>] second: (unit -> Durable<'T>) -> Durable<'T>

    /// Keeps the body unevaluated until <c>Run</c> wraps it into a plan.
    member inline Delay: [<InlineIfLambda>] generator: (unit -> Durable<'T>) -> (unit -> Durable<'T>)

    /// Turns the delayed body into a cold plan: the body runs each time the plan is committed or rendered.
    member inline Run: [<InlineIfLambda>] generator: (unit -> Durable<'T>) -> Durable<'T>

    /// Enables <c>for item in items do …</c>.
    member inline For: items: 'T seq * [<InlineIfLambda>] body: ('T -> Durable<unit>) -> Durable<unit>

    /// Enables <c>while condition do …</c>.
    member inline While: [<InlineIfLambda>] guard: (unit -> bool) * [<InlineIfLambda>] body: (unit -> Durable<unit>) -> Durable<unit>

    /// Enables <c>try … finally …</c>: the finally block runs when the plan runs, also when it stops with an error.
    member inline TryFinally:
        [<InlineIfLambda>] body: (unit -> Durable<'T>) * [<InlineIfLambda>] compensation: (unit -> unit) -> Durable<'T>

    /// Enables <c>use resource = …</c>: disposed when the rest of the plan has run.
    member inline Using: resource: 'R * [<InlineIfLambda>] binder: ('R -> Durable<'T>) -> Durable<'T> when 'R :> IDisposable

/// Opens the <c>durable</c> builder with <c>open Pmem.FSharp</c>.
[<AutoOpen>]
module DurableBuilderInstance =
    /// <summary>Builds a Durable plan: <c>durable { do! Durable.write 0L bytes; do! Durable.barrier; … }</c>.</summary>
    /// <example><code lang="F#">
    /// let append (record: byte array) =
    ///     durable {
    ///         let! tail = Durable.readInt64 0L
    ///         do! Durable.write (64L + tail) record
    ///         do! Durable.barrier
    ///         do! Durable.writeInt64 0L (tail + int64 record.Length)
    ///     }
    /// </code></example>
    val durable: DurableBuilder
