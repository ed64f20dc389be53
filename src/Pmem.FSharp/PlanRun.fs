namespace Pmem.FSharp

open System
open System.Diagnostics
open System.Runtime.CompilerServices

/// An 8-byte write held as data (Durable.writeInt64 and writeUInt64, 32 bytes, as a closure would be): runIn records
/// it itself instead of calling a closure, an indirect call per write whose cost depends on the JIT having guessed its
/// target (64 scattered writes without dynamic PGO: 3.7 µs instead of 4.2 µs, in cache).
[<Sealed>]
type internal Int64Write(offset: int64, value: int64) =
    member _.Offset = offset
    member _.Value = value

/// <summary>How a plan is held and run into a Journal (phase 1 of every executor: commit, atomic commit, render).</summary>
/// <remarks>
/// <c>{ Run = f; Then = null }</c>: <c>f journal</c> is the whole plan and its value (other writes and fills are such
/// closures, of 32 to 40 bytes), or f is an Int64Write. <c>{ Run = first; Then = next }</c>, only for a plan whose
/// first part is a Durable&lt;unit&gt;: first runs (a closure or an Int64Write), then either <c>next ()</c> is the plan
/// to run on (Bind, Combine, Delay) or <c>next ()</c> is the value (map, BindReturn); next's type says which (a
/// <c>unit -> Durable&lt;'T&gt;</c> is never a <c>unit -> 'T</c>).
///
/// Why: for <c>durable { for k in … do do! Durable.writeInt64 … }</c> the compiler makes, per write, the write and
/// <c>BindReturn(write, fun () -> ())</c>; a sequence of <c>do!</c> makes <c>Bind(write, fun () -> …)</c>. With a
/// closure per composition each write cost two allocations; filling the free Then slot of a unit plan instead leaves
/// one (the write itself), and Delay none. A chain of Then plans runs in a loop in runIn, not nested on the stack.
/// </remarks>
module internal PlanRun =
    let general (run: Journal -> 'T) : Durable<'T> = { Run = run; Then = null }

    /// <c>first</c>, then <c>next</c> (a unit -> Durable&lt;'T&gt; or a unit -> 'T).
    let chain (first: obj) (next: obj) : Durable<'T> = { Run = first; Then = next }

    /// Whether <paramref name="plan"/> is a unit plan with a free Then slot (Durable.unit, a write, a loop …).
    let inline isOpenUnitPlan (plan: Durable<'T>) =
        // Type.op_Equality on two typeof is folded by the JIT (F#'s = would call generic equality).
        Type.op_Equality (typeof<'T>, typeof<unit>) && isNull plan.Then

    /// A plan that records nothing: the first part of Durable.unit and of delayed plans.
    let nothing: Journal -> unit = fun _ -> ()

    /// Runs the plan into <paramref name="journal"/> and returns its value (no error handling: see evaluate).
    let runIn (journal: Journal) (plan: Durable<'T>) : 'T =
        let mutable current = plan
        let mutable value = Unchecked.defaultof<'T>
        let mutable running = true

        while running do
            match current.Then with
            | null ->
                match current.Run with
                | :? Int64Write as write ->
                    // A Durable<unit>: value stays Unchecked.defaultof<unit>, which is ().
                    journal.WriteScalar(write.Offset, 8, write.Value)
                | run ->
                    Debug.Assert((run :? (Journal -> 'T)), "a whole plan")
                    value <- (Unsafe.As<Journal -> 'T> run) journal

                running <- false
            | next ->
                match current.Run with
                | :? Int64Write as write -> journal.WriteScalar(write.Offset, 8, write.Value)
                | first ->
                    Debug.Assert((first :? (Journal -> unit)), "a unit plan first")
                    (Unsafe.As<Journal -> unit> first) journal

                match next with
                | :? (unit -> Durable<'T>) as plan -> current <- plan ()
                | _ ->
                    Debug.Assert((next :? (unit -> 'T)), "the value next")
                    value <- (Unsafe.As<unit -> 'T> next) ()
                    running <- false

        value

    /// Runs the plan into <paramref name="journal"/> (already Reset): its value, or why it stopped. The plan's own
    /// exceptions propagate.
    let evaluate (journal: Journal) (plan: Durable<'T>) : Result<'T, PmemError> =
        try
            Ok(runIn journal plan)
        with :? PlanAbortedException as e ->
            Error e.Error
