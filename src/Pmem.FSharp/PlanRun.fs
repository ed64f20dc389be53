namespace Pmem.FSharp

open System
open System.Buffers
open System.Diagnostics
open System.Runtime.CompilerServices
open Pmem

/// <summary>Tells the two kinds of Then slot of a Durable&lt;'T&gt; apart: a plan (unit -> Durable&lt;'T&gt;) or the value (unit -> 'T).</summary>
/// <remarks>
/// Why: a type test against a generic function type walks the closure's base types through a runtime helper, once
/// per write in a loop of writes. The Then slots of a program's plans are a few closure types, so the last one of
/// each kind is remembered and compared first (races only lose the memory; a type's kind never changes).
/// </remarks>
[<AbstractClass; Sealed>]
type internal ThenKind<'T> =
    [<DefaultValue>]
    static val mutable private plan: Type | null

    [<DefaultValue>]
    static val mutable private value: Type | null

    /// Whether <paramref name="next"/> is a unit -> Durable&lt;'T&gt;.
    static member IsPlan(next: obj) =
        let kind = next.GetType()

        if Type.op_Equality (kind, ThenKind<'T>.plan) then
            true
        elif Type.op_Equality (kind, ThenKind<'T>.value) then
            false
        else
            let isPlan = next :? (unit -> Durable<'T>)

            if isPlan then
                ThenKind<'T>.plan <- kind
            else
                ThenKind<'T>.value <- kind

            isPlan

/// <summary>How a plan is held and run into a Journal (phase 1 of every executor: commit, atomic commit, render).</summary>
/// <remarks>
/// <c>{ Run = null; Then = null }</c> (the default) is nothing.
/// <c>{ Run = f; Then = null }</c>: <c>f journal</c> is the whole plan and its value, or f is a single store held as
/// data: a StepCode (scalars, fills, barriers) or a byte array (a write of <c>B &amp;&amp;&amp; 0xFFFFFFFF</c> bytes of
/// it from <c>B &gt;&gt;&gt; 32</c>), at offset A. <c>{ Run = first; Then = next }</c>, only for a plan whose first
/// part is a Durable&lt;unit&gt;: first runs (a closure or a single store), then either <c>next ()</c> is the plan
/// to run on (Bind, Combine, Delay) or <c>next ()</c> is the value (map, BindReturn); next's type says which (a
/// <c>unit -> Durable&lt;'T&gt;</c> is never a <c>unit -> 'T</c>).
///
/// Why: for <c>durable { for k in … do do! Durable.writeInt64 … }</c> the compiler makes, per write, the write and
/// <c>BindReturn(write, fun () -> ())</c>; a sequence of <c>do!</c> makes <c>Bind(write, fun () -> …)</c>. With a
/// closure per composition each write cost two allocations; filling the free Then slot of a unit plan instead leaves
/// none (the write is data), and Delay none. A chain of Then plans runs in a loop in runIn, not nested on the stack.
/// </remarks>
module internal PlanRun =
    let general (run: Journal -> 'T) : Durable<'T> = { Run = run; Then = null; A = 0L; B = 0L }

    /// A single store held as data.
    let store (code: obj) (a: int64) (b: int64) : Durable<unit> = { Run = code; Then = null; A = a; B = b }

    /// <c>first</c> (the Run, A and B of a unit plan), then <c>next</c> (a unit -> Durable&lt;'T&gt; or a unit -> 'T).
    let chain (first: inref<Durable<'U>>) (next: obj) : Durable<'T> =
        { Run = first.Run; Then = next; A = first.A; B = first.B }

    /// Whether <paramref name="plan"/> is a unit plan with a free Then slot (Durable.unit, a write, a loop …).
    let inline isOpenUnitPlan (plan: inref<Durable<'T>>) =
        // Type.op_Equality on two typeof is folded by the JIT (F#'s = would call generic equality).
        Type.op_Equality (typeof<'T>, typeof<unit>) && isNull plan.Then

    /// Nothing: Durable.unit, the default value (what the builder's members leave is the same value, read from
    /// PlanNothing).
    let nothing: Durable<unit> = Unchecked.defaultof<Durable<unit>>

    /// A plan that calls <paramref name="generator"/> each time it runs and runs the plan it returns.
    let delayed (generator: unit -> Durable<'T>) : Durable<'T> =
        { Run = StepCode.Delayed; Then = generator; A = 0L; B = 0L }

    /// A durable { } block: <paramref name="code"/> records the block's steps into the journal it is given and
    /// returns its value.
    let block (code: obj -> 'T) : Durable<'T> =
        { Run = StepCode.Block; Then = code; A = 0L; B = 0L }

    /// Whether <paramref name="run"/> is exactly a byte array: a compare, where <c>:? byte array</c> is a runtime
    /// helper call (an sbyte[] is a byte[] to the runtime), and values live across a call on any path are kept in
    /// memory on every path (in a loop of writes, four stores per write).
    [<MethodImpl(MethodImplOptions.AggressiveInlining)>]
    let isBytes (run: obj) = Type.op_Equality (run.GetType(), typeof<byte array>)

    /// Records a write of <c>B &amp;&amp;&amp; 0xFFFFFFFF</c> bytes of <paramref name="bytes"/> from <c>B &gt;&gt;&gt; 32</c> at A.
    [<MethodImpl(MethodImplOptions.AggressiveInlining)>]
    let recordBytes (journal: Journal) (bytes: byte array) (a: int64) (b: int64) =
        journal.Write(a, ReadOnlyMemory(bytes, int (b >>> 32), int (b &&& 0xFFFFFFFFL)))

    /// recordBytes for a block's last step (Journal.WriteLast).
    [<MethodImpl(MethodImplOptions.AggressiveInlining)>]
    let recordBytesLast (journal: Journal) (bytes: byte array) (a: int64) (b: int64) =
        journal.WriteLast(a, bytes, int (b >>> 32), int (b &&& 0xFFFFFFFFL))

    /// The memory of a MemoryManager's plan (writeMemory of memory no array backs): its range packed in B as an array's.
    let managerMemory (manager: MemoryManager<byte>) (b: int64) : ReadOnlyMemory<byte> =
        Memory<byte>.op_Implicit (manager.Memory.Slice(int (b >>> 32), int (b &&& 0xFFFFFFFFL)))

    /// A MemoryManager's write as a block's last step (Journal.WriteLastMemory), out of line.
    [<MethodImpl(MethodImplOptions.NoInlining)>]
    let recordManagerLast (journal: Journal) (manager: MemoryManager<byte>) (a: int64) (b: int64) =
        journal.WriteLastMemory(a, managerMemory manager b)

    /// tryRecord's last case, out of line: an array the runtime also calls a byte[] (an sbyte[] cast to one) is
    /// recorded as one, a MemoryManager's memory as its range; anything else is a closure (false).
    [<MethodImpl(MethodImplOptions.NoInlining)>]
    let private tryRecordOther (journal: Journal) (run: obj) (a: int64) (b: int64) =
        match run with
        | :? (byte array) as bytes ->
            recordBytes journal bytes a b
            true
        | :? MemoryManager<byte> as manager ->
            // Memory no array backs (native memory, a pool's): its manager and range, as for an array.
            journal.Write(a, managerMemory manager b)
            true
        | _ -> false

    /// Records the single store <paramref name="run"/> holds as data (nothing for null); false when it is a closure.
    /// A byte array is recognised by its exact type (isBytes) before the full test, out of line.
    [<MethodImpl(MethodImplOptions.AggressiveInlining)>]
    let private tryRecord (journal: Journal) (run: obj | null) (a: int64) (b: int64) =
        match run with
        | null -> true
        | :? StepCode as code ->
            match code.Kind with
            | CommitStepKind.Scalar -> journal.WriteScalar(a, code.Operand, b)
            | CommitStepKind.Fill -> journal.Fill(a, b, byte code.Operand)
            | CommitStepKind.Barrier -> journal.Barrier()
            | _ -> ()

            true
        | run when isBytes run ->
            recordBytes journal (Unsafe.As<byte array> run |> Unchecked.nonNull) a b
            true
        | run -> tryRecordOther journal run a b

    /// <summary>Runs the plan whose fields are given into <paramref name="journal"/> and returns its value (no error handling: see evaluate).</summary>
    /// <remarks>
    /// The plan is held as its four fields, never as a struct local: a plan is usually built just before it runs
    /// (the commit's argument, what a block's code leaves), and copying a struct written field by field takes wide loads
    /// that store-to-load forwarding cannot serve (behind the previous commit's drain, such a load waits for the
    /// drain); a zeroed struct local is copied the same way.
    /// Never inlined: code inlined from the builder (a block's code, DurableBuilder.Run) calls this for what is not a
    /// single store, and inlined there, this loop (its frame, its values kept across its calls) would cost every
    /// block memory writes on the common path as well.
    /// </remarks>
    [<MethodImpl(MethodImplOptions.NoInlining)>]
    let runParts (journal: Journal) (first: obj | null) (following: obj | null) (firstA: int64) (firstB: int64) : 'T =
        let mutable run = first
        let mutable andThen = following
        let mutable a = firstA
        let mutable b = firstB
        let mutable value = Unchecked.defaultof<'T>
        let mutable running = true

        while running do
            match andThen with
            | null ->
                // A single store is a Durable<unit>: value stays Unchecked.defaultof<unit>, which is ().
                if not (tryRecord journal run a b) then
                    Debug.Assert((run :? (Journal -> 'T)), "a whole plan")
                    value <- (Unsafe.As<Journal -> 'T> run) journal

                running <- false
            | next when Object.ReferenceEquals(run, StepCode.Block) ->
                // A block inside the plan: its last step is not the commit's last (Journal.WriteLast).
                journal.Nested()
                value <- (Unsafe.As<obj -> 'T> next) journal
                running <- false
            | next ->
                if not (tryRecord journal run a b) then
                    Debug.Assert((run :? (Journal -> unit)), "a unit plan first")
                    (Unsafe.As<Journal -> unit> run) journal

                if Object.ReferenceEquals(run, StepCode.Delayed) || ThenKind<'T>.IsPlan next then
                    let following = (Unsafe.As<unit -> Durable<'T>> next) ()
                    run <- following.Run
                    andThen <- following.Then
                    a <- following.A
                    b <- following.B
                else
                    Debug.Assert((next :? (unit -> 'T)), "the value next")
                    value <- (Unsafe.As<unit -> 'T> next) ()
                    running <- false

        value

    /// runParts on a plan held elsewhere, read field by field.
    [<MethodImpl(MethodImplOptions.AggressiveInlining)>]
    let runInRef (journal: Journal) (plan: inref<Durable<'T>>) : 'T =
        runParts journal plan.Run plan.Then plan.A plan.B

    /// <summary>runInRef for a unit plan, a durable { } block first (PlanRun.block): its code is called with the
    /// journal, nothing else kept.</summary>
    [<MethodImpl(MethodImplOptions.AggressiveInlining)>]
    let runUnitInRef (journal: Journal) (plan: inref<Durable<unit>>) : unit =
        if Object.ReferenceEquals(plan.Run, StepCode.Block) then
            journal.Nested()
            (Unsafe.As<obj -> unit> plan.Then) journal
        else
            runParts journal plan.Run plan.Then plan.A plan.B

    /// Runs the plan into <paramref name="journal"/> and returns its value (no error handling: see evaluate).
    let runIn (journal: Journal) (plan: Durable<'T>) : 'T = runInRef journal &plan

    /// Runs the plan into <paramref name="journal"/> (already Reset): its value, or why it stopped. The plan's own
    /// exceptions propagate.
    let evaluateRef (journal: Journal) (plan: inref<Durable<'T>>) : Result<'T, PmemError> =
        let thread = CommitScratch.ForThread()
        let outer = thread.Other
        thread.Other <- journal

        try
            try
                Ok(runInRef journal &plan)
            with :? PlanAbortedException as e ->
                Error e.Error
        finally
            thread.Other <- outer

    /// As evaluateRef, for a plan passed by value.
    let evaluate (journal: Journal) (plan: Durable<'T>) : Result<'T, PmemError> = evaluateRef journal &plan
