namespace Pmem.FSharp

open System
open System.Buffers.Binary
open System.Diagnostics
open System.Runtime.CompilerServices
open Pmem

/// Raised inside plan evaluation to stop it; caught by PlanRun.evaluateRef and never seen by callers.
type internal PlanAbortedException(error: PmemError) =
    inherit Exception("A durable plan was stopped: " + PmemError.describe error)
    member _.Error = error

/// <summary>
/// Phase 1 of a commit: the context a plan runs against. It records the plan's writes, fills and barriers as
/// Core's <see cref="T:Pmem.CommitStep"/>s, checks every range, and answers reads from the target overlaid with the plan's
/// own earlier writes. It performs no store.
/// </summary>
/// <remarks>
/// Reads cost one target read plus a pass over the steps so far (O(writes)); plans read little and write much.
/// Write steps keep a reference to the caller's memory, not a copy: the bytes are those present when the step is
/// applied (Durable.write documents this). Instances are reused per thread (CommitScratch); <c>Clear</c> drops the
/// references (plans of scalars and fills hold none). The steps are the hand-off to anything that executes a plan:
/// Core's CommitApply (through the target's ICommitTarget.Apply), Durable.render, and a redo log that must see every
/// write before the first store.
/// </remarks>
[<Sealed>]
type internal Journal() =
    /// The steps and the memory of Write steps (CommitStep.Value indexes it): Core's CommitWork, which the commit
    /// hands to the target as it is.
    let work = CommitWork()
    let mutable source: ICommitTarget | null = null
    let mutable prefetchBase = 0n
    let mutable capacity = Int64.MaxValue
    let mutable rendering = false
    let mutable outOfRange = 0
    /// What the work's options were last set from by SetOptions (null: not yet, or with events).
    let mutable optionsFrom: CommitOptions | null = null
    /// Whether the last step of the plan running may go straight to the target (WriteLast): set by Reset for the
    /// code of a block committed on its own (DurableCommit.commitBlock), taken back for a nested block (Nested).
    let mutable lastDirect = false
    let scalarIn = Array.zeroCreate<byte> 8
    let scalarOut = Array.zeroCreate<byte> 8

    // Steps are built in place from their operands (CommitWork.Append), never passed as a CommitStep value: a struct
    // built field by field on the stack and then copied with wide loads defeats store-to-load forwarding, and behind
    // the previous commit's drain that load waits for the drain (the whole commit then runs after it instead of in
    // its shadow).
    [<MethodImpl(MethodImplOptions.AggressiveInlining)>]
    let inRange offset length =
        offset >= 0L && length >= 0L && offset <= capacity - length

    /// Whether a block's last write or fill of [offset, offset + length) goes to the target at once (WriteLast): Reset
    /// allowed it, nothing was recorded before it, it is not empty and in range; if so, its destination is prefetched.
    [<MethodImpl(MethodImplOptions.AggressiveInlining)>]
    let appliesAtOnce offset length =
        if lastDirect && work.Count = 0 && length > 0L && inRange offset length then
            CommitPrefetch.Lines(prefetchBase, offset, length)
            true
        else
            false

    /// A write outside the target: stops a commit; a render records it and goes on.
    [<MethodImpl(MethodImplOptions.NoInlining)>]
    let badWrite (kind: CommitStepKind) (offset: int64) (length: int64) (value: int64) =
        if rendering then
            outOfRange <- outOfRange + 1
            work.Append(kind, offset, length, value, false)
        else
            raise (PlanAbortedException(PmemError.OutOfRange(offset, length, capacity)))

    /// badWrite for a write of memory (kept, for a render to show).
    [<MethodImpl(MethodImplOptions.NoInlining)>]
    let badMemoryWrite (offset: int64) (data: ReadOnlyMemory<byte>) =
        badWrite CommitStepKind.Write offset (int64 data.Length) (int64 (work.AddMemory data))

    [<MethodImpl(MethodImplOptions.NoInlining)>]
    let setOptions (options: CommitOptions) (events: Collections.Generic.List<CommitEvent> | null) =
        let stores =
            match options.Stores with
            | StoreHint.Auto -> PmemCopyFlags.None
            | StoreHint.NonTemporal -> PmemCopyFlags.NonTemporal
            | StoreHint.Temporal -> PmemCopyFlags.Temporal

        work.SetOptions(stores, options.FinalDrain, events, true)
        // Remembered only without events: a commit with them is followed by one that clears them.
        optionsFrom <- (if isNull events then options else null)

    let record (kind: CommitStepKind) (offset: int64) (length: int64) (value: int64) =
        if not (inRange offset length) then
            badWrite kind offset length value
        elif length > 0L then
            CommitPrefetch.Lines(prefetchBase, offset, length)
            work.Append(kind, offset, length, value, true)

    /// Copies the part of a recorded write that overlaps [offset, offset + destination.Length) into destination.
    let overlay (step: inref<CommitStep>) (offset: int64) (destination: Span<byte>) =
        let lo = max offset step.Offset
        let hi = min (offset + int64 destination.Length) (step.Offset + step.Length)

        if lo < hi then
            let target = destination.Slice(int (lo - offset), int (hi - lo))
            let from = int (lo - step.Offset)

            match step.Kind with
            | CommitStepKind.Write -> work.MemoryAt(int step.Value).Span.Slice(from, target.Length).CopyTo target
            | CommitStepKind.Scalar ->
                BinaryPrimitives.WriteInt64LittleEndian(Span scalarOut, step.Value)
                ReadOnlySpan(scalarOut, from, target.Length).CopyTo target
            | CommitStepKind.Fill -> target.Fill(byte step.Value)
            | _ -> ()

    /// Prepares for a plan: reads go to <paramref name="target"/> (zeros when null) and ranges are checked against
    /// <paramref name="limit"/> (the target's length, or less: an atomic commit hides its log region). A rendering
    /// journal records reads and out-of-range writes instead of stopping at them. <paramref name="direct"/>: the plan is
    /// a block committed on its own, whose last step is the commit's last (WriteLast). <paramref name="drainAtEnd"/>:
    /// the caller stores nothing after applying and calls CommitWork.FinishDrain before it returns (a plain commit).
    [<MethodImpl(MethodImplOptions.AggressiveInlining)>]
    member _.Reset(target: ICommitTarget | null, limit: int64, forRender: bool, direct: bool, drainAtEnd: bool) =
        Debug.Assert((work.Count = 0), "the journal was cleared")
        // The fields that seldom change are stored only when they do: every store here queues behind the previous
        // commit's drain.
        source <- target

        prefetchBase <-
            match target with
            | null -> 0n
            | claimed -> if forRender then 0n else claimed.PrefetchBase

        if rendering <> forRender then
            rendering <- forRender

        if capacity <> limit then
            capacity <- limit

        if outOfRange <> 0 then
            outOfRange <- 0

        if lastDirect <> direct then
            lastDirect <- direct

        work.SetDrainAtEnd drainAtEnd

    /// <summary>Sets the work's options from <paramref name="options"/> (immutable): nothing to do when the last
    /// commit on this journal had the same ones and no events (the common case: one compare).</summary>
    [<MethodImpl(MethodImplOptions.AggressiveInlining)>]
    member _.SetOptions(options: CommitOptions, events: Collections.Generic.List<CommitEvent> | null) =
        if not (Object.ReferenceEquals(optionsFrom, options)) || not (isNull events) then
            setOptions options events

    /// For a block committed where it is written inside another plan's run (DurableCommit.enterBlock): the journal
    /// that was active on the thread before it, restored when the block ends; null otherwise.
    member val SavedOuter: Journal | null = null with get, set

    /// Forgets the steps and drops every reference they hold.
    member _.Clear() =
        work.Clear()
        source <- null

    /// <summary>Takes back what Reset's <c>direct</c> allowed: code that runs inside the plan (a nested block) has a
    /// last step that is not the commit's last.</summary>
    [<MethodImpl(MethodImplOptions.AggressiveInlining)>]
    member _.Nested() =
        if lastDirect then
            lastDirect <- false

    /// The steps and memory recorded, as Core applies them (ICommitTarget.Apply, CommitApply.DryRun).
    member _.Work = work

    /// The number of recorded steps.
    member _.Count = work.Count

    /// The i-th step, in program order.
    member _.Step(i: int) : inref<CommitStep> = &work.Step(i)

    /// The bytes of Scalar step <paramref name="i"/> (valid until the next call on this journal).
    member _.ScalarBytes(i: int) : ReadOnlySpan<byte> =
        let step = &work.Step(i)
        Debug.Assert(step.Kind = CommitStepKind.Scalar, "a scalar step")
        BinaryPrimitives.WriteInt64LittleEndian(Span scalarOut, step.Value)
        ReadOnlySpan(scalarOut, 0, int step.Length)

    /// The memory Write step <paramref name="step"/> stores.
    member _.Bytes(step: inref<CommitStep>) : ReadOnlyMemory<byte> =
        Debug.Assert(step.Kind = CommitStepKind.Write, "a write step")
        work.MemoryAt(int step.Value)

    /// The recorded steps, in program order (what phase 2 applies).
    member _.Steps = work.Steps

    /// The target the plan reads from and is checked against (null: none).
    member _.Target = source

    /// The bytes ranges are checked against.
    member _.Capacity = capacity

    /// Writes recorded outside the target (render journals only).
    member _.OutOfRangeWrites = outOfRange

    /// Copies the bytes step <paramref name="i"/> stores (Write, Scalar or Fill) into
    /// <paramref name="destination"/>, whose length must be the step's.
    member _.CopyStepBytes(i: int, destination: Span<byte>) =
        let step = &work.Step(i)
        Debug.Assert(int64 destination.Length = step.Length, "destination has the step's length")
        overlay &step step.Offset destination

    // Inlined (the JIT would not, for its size): a call's frame is memory writes, made while the previous commit's
    // drain completes.
    [<MethodImpl(MethodImplOptions.AggressiveInlining)>]
    member _.Write(offset: int64, data: ReadOnlyMemory<byte>) =
        let length = int64 data.Length

        if not (inRange offset length) then
            badMemoryWrite offset data
        elif length > 0L then
            // An empty write is dropped, and no reference to it kept.
            CommitPrefetch.Lines(prefetchBase, offset, length)
            work.AppendWrite(offset, data)

    /// <summary>Write, for a block's last step: when Reset allowed it (<c>direct</c>) and nothing was recorded before
    /// it, the bytes go to the target at once (ICommitTarget.ApplyOnlyWrite: stored, flushed, drained, the calls phase
    /// 2 would issue for them; or recorded by the target when it applies only whole work), so that the commit's only
    /// store is not recorded; otherwise recorded here. The commit then finds no step to apply.</summary>
    /// <remarks>
    /// Sound because nothing runs after a block's last step but the commit: the plan has finished without throwing,
    /// its range is checked first, and the store is the commit's only one. Out of range, it is recorded (and stops
    /// the commit, as any).
    /// </remarks>
    [<MethodImpl(MethodImplOptions.AggressiveInlining)>]
    member this.WriteLast(offset: int64, bytes: byte array, start: int, length: int) =
        // The target's call is the last thing on its path: no value is kept across it.
        if appliesAtOnce offset (int64 length) then
            (Unchecked.nonNull source).ApplyOnlyWrite(work, offset, bytes, start, length)
        else
            this.Write(offset, ReadOnlyMemory(bytes, start, length))

    /// WriteLast for memory no array backs (ICommitTarget.ApplyOnlyMemory).
    [<MethodImpl(MethodImplOptions.AggressiveInlining)>]
    member this.WriteLastMemory(offset: int64, memory: ReadOnlyMemory<byte>) =
        if appliesAtOnce offset (int64 memory.Length) then
            (Unchecked.nonNull source).ApplyOnlyMemory(work, offset, memory)
        else
            this.Write(offset, memory)

    /// WriteLast for a fill (ICommitTarget.ApplyOnlyFill).
    [<MethodImpl(MethodImplOptions.AggressiveInlining)>]
    member this.FillLast(offset: int64, length: int64, value: byte) =
        if appliesAtOnce offset length then
            (Unchecked.nonNull source).ApplyOnlyFill(work, offset, length, value)
        else
            this.Fill(offset, length, value)

    /// WriteLast for a scalar (ICommitTarget.ApplyOnlyScalar).
    [<MethodImpl(MethodImplOptions.AggressiveInlining)>]
    member this.WriteScalarLast(offset: int64, size: int, value: int64) =
        if lastDirect && work.Count = 0 && inRange offset (int64 size) then
            (Unchecked.nonNull source).ApplyOnlyScalar(work, offset, size, value)
        else
            this.WriteScalar(offset, size, value)

    /// Records a little-endian scalar of <paramref name="size"/> bytes (1, 2, 4 or 8).
    member _.WriteScalar(offset: int64, size: int, value: int64) =
        Debug.Assert((size = 1 || size = 2 || size = 4 || size = 8), "scalar width")

        record CommitStepKind.Scalar offset (int64 size) value

    member _.Fill(offset: int64, length: int64, value: byte) =
        record CommitStepKind.Fill offset length (int64 value)

    member _.Barrier() =
        work.Append(CommitStepKind.Barrier, 0L, 0L, 0L, true)

    /// Fills <paramref name="destination"/> with the bytes at <paramref name="offset"/> as the plan sees them.
    member _.Read(offset: int64, destination: Span<byte>) =
        let length = int64 destination.Length

        if not (inRange offset length) then
            raise (PlanAbortedException(PmemError.OutOfRange(offset, length, capacity)))

        if rendering then
            work.Append(CommitStepKind.Read, offset, length, 0L, true)

        match source with
        | null -> destination.Clear()
        | target -> target.Read(offset, destination)

        for i in 0 .. work.Count - 1 do
            let step = &work.Step(i)

            if step.InRange then
                overlay &step offset destination

    /// Reads a little-endian scalar of <paramref name="size"/> bytes (1, 2, 4 or 8), zero-extended.
    member this.ReadScalar(offset: int64, size: int) : uint64 =
        Array.Clear scalarIn
        this.Read(offset, Span(scalarIn, 0, size))
        BinaryPrimitives.ReadUInt64LittleEndian(ReadOnlySpan scalarIn)
