namespace Pmem.FSharp

open System
open System.ComponentModel
open Pmem

/// <summary>
/// What the <c>durable { }</c> builder's members and the Durable module's inline functions call once inlined into
/// the caller's code. Not for direct use: call the Durable module and the builder.
/// </summary>
/// <remarks>
/// Each member takes the plan by reference. A plan is a 32-byte struct, and F# turns a call in tail position into a
/// .tail call, which the runtime makes through a slow helper when an argument is that large; F# never emits .tail
/// for a call with a byref argument, so code inlined from Pmem.FSharp calls these at full speed.
/// </remarks>
/// <summary>The plan that records nothing (Durable.unit), as a Durable&lt;'T&gt;: what code inlined from the builder ends with.</summary>
/// <remarks>
/// Read from a static field that is never written, not made in place: the JIT zeroes a struct local of a block's code
/// in its prologue and copies it out with one wide load that store-to-load forwarding cannot serve, and behind the
/// previous commit's drain that load waits for the drain. Through a method with a byref parameter (any local): F#
/// emits no .tail for such a call, and code that ends with a .tail call is compiled once, without tiering,
/// so it never gets the profile-guided code (devirtualized enumerators, inlined closures) the rest of a program gets.
/// </remarks>
[<Sealed; AbstractClass; EditorBrowsable(EditorBrowsableState.Never)>]
[<CompilerMessage("PlanNothing is what code inlined from the durable builder reads; use Durable.unit instead.", 3501, IsHidden = true)>]
type PlanNothing<'T> =
    /// Nothing: the default value of Durable&lt;'T&gt;. <paramref name="_site"/>: any local (see the remarks).
    static member Plan: _site: byref<int> -> Durable<'T>

[<Sealed; AbstractClass; EditorBrowsable(EditorBrowsableState.Never)>]
[<CompilerMessage("PlanCalls is what code inlined from the durable builder and the Durable module calls; use those instead.",
                  3501,
                  IsHidden = true)>]
type PlanCalls =
    /// Durable.map.
    static member Map: plan: inref<Durable<'T>> * mapping: ('T -> 'U) -> Durable<'U>

    /// Durable.bind.
    static member Bind: plan: inref<Durable<'T>> * binder: ('T -> Durable<'U>) -> Durable<'U>

    /// The builder's Combine.
    static member Combine: first: inref<Durable<unit>> * second: (unit -> Durable<'T>) -> Durable<'T>

    /// The journal of the plan running on this thread (as an object); InvalidOperationException outside one.
    static member Current: unit -> obj

    /// Runs <paramref name="plan"/> into <paramref name="journal"/> (from Current) now and returns its value.
    static member RunNow: journal: obj * plan: inref<Durable<'T>> -> 'T

    /// Runs the plan into the journal of the running plan now (the plan passed by value: see PlanCalls.fs).
    static member RunPlan: journal: obj * plan: Durable<'T> -> 'T

    /// RunPlan; with <paramref name="last"/>, the plan is a block's last step, which may go straight to the target
    /// when it is the commit's only store (see PlanCalls.fs).
    static member RunPlanAs: journal: obj * plan: Durable<'T> * last: bool -> 'T

    /// The plan as a Durable&lt;'U&gt; where 'T and 'U are the same type (unit), copied field by field (through a
    /// byref parameter, so that F# emits no .tail for the call).
    static member RetypedAt: plan: Durable<'T> * _site: byref<int> -> Durable<'U>

    /// A plan that records nothing and returns <paramref name="value"/> (no allocation when 'T is unit).
    static member Value: value: 'T -> Durable<'T>

    /// As Value, inline: for unit the default value (nothing), with no call.
    static member inline Result: value: 'T -> Durable<'T>

    /// Value, through a byref parameter (any local), so that F# emits no .tail for the call.
    static member ValueAt: value: 'T * _site: byref<int> -> Durable<'T>

    /// A durable { } block's plan: <paramref name="code"/> runs it into the journal it is given (through a byref
    /// parameter, so that F# emits no .tail for the call).
    static member BlockAt: code: (obj -> 'T) * _site: byref<int> -> Durable<'T>

    /// RunPlan, where it ends a block's code (through a byref parameter, so that F# emits no .tail for the call).
    static member RunLast: journal: obj * plan: Durable<'T> * site: byref<int> -> 'T

    /// Durable.delay, through a byref parameter (any local), so that F# emits no .tail for the call: what the builder's
    /// Run called before blocks were one closure (BlockAt), kept for code compiled against that builder.
    static member DelayedAt: generator: (unit -> Durable<'T>) * _site: byref<int> -> Durable<'T>

    /// Durable.committing's Run: claims the target and rents the thread's journal (as an object), or null when the
    /// target was disposed. Every non-null answer must be ended with LeaveBlock.
    static member EnterBlock: target: IPmemTarget * options: CommitOptions -> obj | null

    /// Durable.committing's Run: phase 2 of the block whose code has run into <paramref name="journal"/>: null when
    /// durable, else why not.
    static member ApplyBlock: journal: obj -> PmemError | null

    /// Durable.committing's Run: what the block answers when its code or its apply threw <paramref name="e"/>.
    static member StopBlock: e: exn -> PmemError

    /// Durable.committing's Run: releases the journal and the claim, issues the final drain, then rethrows what the
    /// block's code threw, if anything.
    static member LeaveBlock: journal: obj -> unit

    /// Durable.commitWith.
    static member Commit: options: CommitOptions * target: IPmemTarget * plan: inref<Durable<'T>> -> Result<'T, PmemError>
