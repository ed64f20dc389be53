namespace Pmem.FSharp

open System
open System.Diagnostics
open System.Runtime.CompilerServices
open global.Pmem

// Representation. Sixteen bytes, two references, so that a plan travels in two registers: F# emits .tail calls to
// functions that take a plan (Durable.map and the builder's members inlined into user code, Durable.commit at the end
// of a function), and the JIT makes those fast only when the arguments fit in registers. A larger struct (say, one
// holding a write inline, to spare its closure) is passed on the stack, and each such call then goes through the
// runtime's tail-call helper: 64 scattered writes took 21-32 µs instead of 4 µs when tried.
[<Struct; NoEquality; NoComparison; StructuredFormatDisplay("{Display}")>]
type Durable<'T> =
    internal
        {
            Run: obj
            Then: obj | null
        }

    member internal _.Display = $"Durable<{typeof<'T>.Name}> (a plan: Durable.render shows its steps)"

/// An 8-byte write held as data (Durable.writeInt64 and writeUInt64, 32 bytes, as a closure would be): runIn records
/// it itself instead of calling a closure, an indirect call per write whose cost depends on the JIT having guessed its
/// target (64 scattered writes without dynamic PGO: 3.7 µs instead of 4.2 µs, in cache).
[<Sealed>]
type internal Int64Write(offset: int64, value: int64) =
    member _.Offset = offset
    member _.Value = value

// How a plan is held. { Run = f; Then = null }: f journal is the whole plan and its value (other writes and fills
// are such closures, of 32 to 40 bytes), or f is an Int64Write. { Run = first; Then = next }, only for a plan whose
// first part is a Durable<unit>: first runs (a closure or an Int64Write), then either next () is the plan to run on
// (Bind, Combine, Delay) or next () is the value (map, BindReturn); next's type says which (a unit -> Durable<'T> is
// never a unit -> 'T).
//
// Why: for durable { for k in … do do! Durable.writeInt64 … } the compiler makes, per write, the write and
// BindReturn(write, fun () -> ()); a sequence of do! makes Bind(write, fun () -> …). With a closure per composition
// each write cost two allocations (64 bytes); filling the free Then slot of a unit plan instead leaves one (the write
// itself), and Delay none. Compositions of other plans take a closure, as before. A chain of Then plans runs in a loop
// in runIn, not nested on the stack.
[<RequireQualifiedAccess>]
module Durable =
    // Representation (see the comments above)

    let private general (run: Journal -> 'T) : Durable<'T> = { Run = run; Then = null }

    /// <c>first</c>, then <c>next</c> (a unit -> Durable&lt;'T&gt; or a unit -> 'T).
    let private chain (first: obj) (next: obj) : Durable<'T> = { Run = first; Then = next }

    /// Whether <paramref name="plan"/> is a unit plan with a free Then slot (Durable.unit, a write, a loop …).
    let inline private isOpenUnitPlan (plan: Durable<'T>) =
        // Type.op_Equality on two typeof is folded by the JIT (F#'s = would call generic equality).
        Type.op_Equality (typeof<'T>, typeof<unit>) && isNull plan.Then

    /// A plan that records nothing: the first part of Durable.unit and of delayed plans.
    let private nothing: Journal -> unit = fun _ -> ()

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

    // Composition

    let result (value: 'T) = general (fun _ -> value)

    let unit: Durable<unit> = general nothing

    let map (mapping: 'T -> 'U) (plan: Durable<'T>) : Durable<'U> =
        if isOpenUnitPlan plan then
            chain plan.Run mapping
        else
            general (fun journal -> mapping (runIn journal plan))

    let bind (binder: 'T -> Durable<'U>) (plan: Durable<'T>) : Durable<'U> =
        if isOpenUnitPlan plan then
            chain plan.Run binder
        else
            general (fun journal -> runIn journal (binder (runIn journal plan)))

    let delay (generator: unit -> Durable<'T>) : Durable<'T> = chain nothing generator

    let ignore (plan: Durable<'T>) = map ignore<'T> plan

    let iter (action: 'T -> Durable<unit>) (items: 'T seq) =
        general (fun journal ->
            // Arrays and lists without an enumerator; any other sequence (a range, say) through its own.
            match items with
            | :? ('T array) as array ->
                for item in array do
                    runIn journal (action item)
            | :? ('T list) as list ->
                for item in list do
                    runIn journal (action item)
            | _ ->
                for item in items do
                    runIn journal (action item))

    let sequence (plans: Durable<'T> list) =
        general (fun journal -> plans |> List.map (runIn journal))

    let internal combine (first: Durable<unit>) (second: unit -> Durable<'T>) : Durable<'T> =
        if isNull first.Then then
            chain first.Run second
        else
            general (fun journal ->
                runIn journal first
                runIn journal (second ()))

    let internal whileDo (guard: unit -> bool) (body: unit -> Durable<unit>) =
        general (fun journal ->
            while guard () do
                runIn journal (body ()))

    let internal tryFinally (compensation: unit -> unit) (body: unit -> Durable<'T>) =
        general (fun journal ->
            try
                runIn journal (body ())
            finally
                compensation ())

    let internal using (binder: 'R -> Durable<'T>) (resource: 'R :> IDisposable) =
        general (fun journal ->
            try
                runIn journal (binder resource)
            finally
                match box resource with
                | null -> ()
                | _ -> resource.Dispose())

    // Writes: each one allocation, a closure that records one step or a ScalarWrite.

    let writeMemory (offset: int64) (bytes: ReadOnlyMemory<byte>) =
        general (fun journal -> journal.Write(offset, bytes))

    let write (offset: int64) (bytes: byte array) = writeMemory offset (ReadOnlyMemory bytes)

    let writeSpan (offset: int64) (bytes: ReadOnlySpan<byte>) = writeMemory offset (ReadOnlyMemory(bytes.ToArray()))

    let writeByte (offset: int64) (value: byte) =
        general (fun journal -> journal.WriteScalar(offset, 1, int64 value))

    let writeUInt32 (offset: int64) (value: uint32) =
        general (fun journal -> journal.WriteScalar(offset, 4, int64 value))

    let writeInt32 (offset: int64) (value: int32) = writeUInt32 offset (uint32 value)

    let writeInt64 (offset: int64) (value: int64) : Durable<unit> = { Run = Int64Write(offset, value); Then = null }

    let writeUInt64 (offset: int64) (value: uint64) = writeInt64 offset (int64 value)

    let fill (offset: int64) (length: int64) (value: byte) =
        general (fun journal -> journal.Fill(offset, length, value))

    let barrier = general (fun (journal: Journal) -> journal.Barrier())

    // Reads

    let read (offset: int64) (length: int) =
        general (fun journal ->
            if length < 0 then
                raise (PlanAbortedException(PmemError.OutOfRange(offset, int64 length, journal.Capacity)))

            let bytes = Array.zeroCreate length
            journal.Read(offset, Span bytes)
            bytes)

    let readByte (offset: int64) =
        general (fun journal -> byte (journal.ReadScalar(offset, 1)))

    let readUInt32 (offset: int64) =
        general (fun journal -> uint32 (journal.ReadScalar(offset, 4)))

    let readInt32 (offset: int64) =
        general (fun journal -> int32 (journal.ReadScalar(offset, 4)))

    let readUInt64 (offset: int64) =
        general (fun journal -> journal.ReadScalar(offset, 8))

    let readInt64 (offset: int64) =
        general (fun journal -> int64 (journal.ReadScalar(offset, 8)))

    // Commit

    let internal evaluate (journal: Journal) (plan: Durable<'T>) : Result<'T, PmemError> =
        try
            Ok(runIn journal plan)
        with :? PlanAbortedException as e ->
            Error e.Error

    /// Phase 1 into the scratch journal, then phase 2 on the target.
    let private execute (scratch: CommitScratch) (target: IDurableTarget) options plan =
        let journal = scratch.Journal
        journal.Reset(target, false)

        try
            match evaluate journal plan with
            | Error e -> Error e
            | Ok value ->
                try
                    match target with
                    | :? MappingTarget as mapping -> CommitApply.applyTo mapping options journal scratch.Runs
                    | _ -> CommitApply.apply target options journal scratch.Runs

                    Ok value
                with :? PmemException as e ->
                    Error(PmemError.ofException e)
        finally
            journal.Clear()

    /// Rents the thread's scratch, attaches its MappingTarget to the mapping, and runs
    /// <paramref name="body"/> with them.
    let inline private onMapping (mapping: PmemMapping) ([<InlineIfLambda>] body: CommitScratch -> Result<'T, PmemError>) =
        let scratch = CommitScratch.Rent()

        try
            let attached =
                try
                    scratch.Target.Attach mapping
                    true
                with :? ObjectDisposedException ->
                    false

            if not attached then
                Error PmemError.Disposed
            else
                try
                    body scratch
                finally
                    scratch.Target.Detach()
        finally
            CommitScratch.Return scratch

    let internal commitOn (target: IDurableTarget) (options: CommitOptions) (plan: Durable<'T>) =
        let scratch = CommitScratch.Rent()

        try
            execute scratch target options plan
        finally
            CommitScratch.Return scratch

    let commitWith (options: CommitOptions) (target: IPmemTarget) (plan: Durable<'T>) =
        match target with
        | :? PmemMapping as mapping -> onMapping mapping (fun scratch -> execute scratch scratch.Target options plan)
        | _ -> commitOn (PmemTargetAdapter target) options plan

    let commit (target: IPmemTarget) (plan: Durable<'T>) = commitWith CommitOptions.defaults target plan

    // Atomic commit

    let commitAtomicWith (region: RedoLogRegion) (target: IPmemTarget) (plan: Durable<'T>) =
        AtomicCommit.commit target region (fun journal -> evaluate journal plan)

    let commitAtomic (target: IPmemTarget) (plan: Durable<'T>) =
        commitAtomicWith (RedoLogRegion.AtEnd target.Length) target plan

    let recoverWith (region: RedoLogRegion) (target: IPmemTarget) = AtomicCommit.recover target region

    let recover (target: IPmemTarget) =
        recoverWith (RedoLogRegion.AtEnd target.Length) target

    // Simulation

    let simulateWith (options: CommitOptions) (initial: byte array) (plan: Durable<'T>) =
        let simulator = Simulation.PmemSimulator(ReadOnlySpan initial)

        {
            Value = commitWith options simulator plan
            Simulator = simulator
        }

    let simulate (initial: byte array) (plan: Durable<'T>) = simulateWith CommitOptions.defaults initial plan

    let internal commitRecorded (options: CommitOptions) (mapping: PmemMapping) (plan: Durable<'T>) =
        let mutable events = []

        let result =
            onMapping mapping (fun scratch ->
                let recorder = RecordingTarget(scratch.Target, true)
                let result = execute scratch recorder options plan
                events <- List.ofSeq recorder.Events
                result)

        result, events

    // Render

    let private renderAgainst (where: string) (target: IDurableTarget) (plan: Durable<'T>) =
        let journal = Journal()
        journal.Reset(target, true)

        try
            let outcome = evaluate journal plan |> Result.map (sprintf "%A")

            let events =
                match outcome with
                | Ok _ when journal.OutOfRangeWrites = 0 ->
                    let recorder = RecordingTarget(target, false)
                    CommitApply.apply recorder CommitOptions.defaults journal (TouchedRuns())
                    Some recorder.Events
                | _ -> None

            PlanRender.format where target.FlushesLines journal outcome events
        finally
            journal.Clear()

    let render (plan: Durable<'T>) =
        renderAgainst "no mapping (reads see zeros and the plan's own writes)" (ZeroTarget()) plan

    let renderOn (target: IPmemTarget) (plan: Durable<'T>) =
        match target with
        | :? PmemMapping as mapping ->
            let kind = if mapping.IsPmem then "pmem" else "not pmem: msync"
            let path = mapping.Path |> Option.ofObj |> Option.defaultValue "(temporary file)"
            let where = $"{path}, {mapping.Length} bytes, {kind}"

            match onMapping mapping (fun scratch -> Ok(renderAgainst where scratch.Target plan)) with
            | Ok text -> text
            | Error e -> PmemError.describe e
        | :? Simulation.PmemSimulator as simulator ->
            renderAgainst $"a simulated pmem device, {simulator.Length} bytes" (PmemTargetAdapter target) plan
        | _ ->
            let kind = if target.IsPmem then "pmem" else "not pmem: msync"
            renderAgainst $"{target.GetType().Name}, {target.Length} bytes, {kind}" (PmemTargetAdapter target) plan
