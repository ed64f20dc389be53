namespace Pmem.FSharp

open System
open System.Buffers.Binary
open System.Diagnostics

/// What one journal step is.
type internal StepKind =
    /// Bytes of caller memory (Journal.Bytes), read when the step is applied.
    | Write = 0
    /// A 1-, 2-, 4- or 8-byte little-endian value held in JournalStep.Value.
    | Scalar = 1
    /// JournalStep.Length copies of the byte in JournalStep.Value.
    | Fill = 2
    /// An ordering point: the steps before it are durable before any step after it is stored.
    | Barrier = 3
    /// A read the plan made (recorded only for Durable.render; the commit ignores it).
    | Read = 4

/// <summary>One effect a plan asked for, in program order.</summary>
/// <remarks>
/// No references: a Write step's memory lives in the journal's own array (<c>Value</c> indexes it), so storing a
/// step into the step array is a plain copy (a struct holding a reference goes through the GC's write-barrier copy)
/// and a plan of scalars and fills leaves nothing to clear.
/// </remarks>
[<Struct; NoEquality; NoComparison>]
type internal JournalStep =
    {
        Kind: StepKind
        Offset: int64
        Length: int64
        /// Scalar: the value (little-endian, low Length bytes); Fill: the byte; Write: the index of its memory
        /// (Journal.Bytes).
        Value: int64
        /// False only in a render journal, for a write outside the target (a commit stops at the first one).
        InRange: bool
    }

/// Raised inside plan evaluation to stop it; caught by Durable.evaluate and never seen by callers.
type internal PlanAbortedException(error: PmemError) =
    inherit Exception("A durable plan was stopped: " + PmemError.describe error)
    member _.Error = error

/// <summary>
/// Phase 1 of a commit: the context a plan runs against. It records the plan's writes, fills and barriers as
/// <see cref="JournalStep"/>s, checks every range, and answers reads from the target overlaid with the plan's
/// own earlier writes. It performs no store.
/// </summary>
/// <remarks>
/// Reads cost one target read plus a pass over the steps so far (O(writes)); plans read little and write much.
/// Write steps keep a reference to the caller's memory, not a copy: the bytes are those present when the step is
/// applied (Durable.write documents this). Instances are reused per thread (CommitScratch); <c>Clear</c> drops the
/// references (plans of scalars and fills hold none). The steps are the hand-off to anything that executes a plan:
/// CommitApply, Durable.render, and a redo log that must see every write before the first store.
/// </remarks>
[<Sealed>]
type internal Journal() =
    let mutable steps: JournalStep array = Array.zeroCreate 16
    let mutable count = 0
    let mutable source: IDurableTarget | null = null
    let mutable capacity = Int64.MaxValue
    let mutable rendering = false
    let mutable outOfRange = 0
    /// The memory of Write steps (JournalStep.Value indexes it).
    let mutable bytes: ReadOnlyMemory<byte> array = Array.zeroCreate 4
    let mutable bytesCount = 0
    let scalarIn = Array.zeroCreate<byte> 8
    let scalarOut = Array.zeroCreate<byte> 8

    let append (step: JournalStep) =
        if count = steps.Length then
            Array.Resize(&steps, steps.Length * 2)

        steps[count] <- step
        count <- count + 1

    let inRange offset length =
        offset >= 0L && length >= 0L && offset <= capacity - length

    /// A write outside the target: stops a commit; a render records it and goes on.
    let badWrite (step: JournalStep) =
        if rendering then
            outOfRange <- outOfRange + 1
            append { step with InRange = false }
        else
            raise (PlanAbortedException(PmemError.OutOfRange(step.Offset, step.Length, capacity)))

    let record (step: JournalStep) =
        if not (inRange step.Offset step.Length) then badWrite step
        elif step.Length > 0L then append step

    /// Copies the part of a recorded write that overlaps [offset, offset + destination.Length) into destination.
    let overlay (step: inref<JournalStep>) (offset: int64) (destination: Span<byte>) =
        let lo = max offset step.Offset
        let hi = min (offset + int64 destination.Length) (step.Offset + step.Length)

        if lo < hi then
            let target = destination.Slice(int (lo - offset), int (hi - lo))
            let from = int (lo - step.Offset)

            match step.Kind with
            | StepKind.Write -> bytes[int step.Value].Span.Slice(from, target.Length).CopyTo target
            | StepKind.Scalar ->
                BinaryPrimitives.WriteInt64LittleEndian(Span scalarOut, step.Value)
                ReadOnlySpan(scalarOut, from, target.Length).CopyTo target
            | StepKind.Fill -> target.Fill(byte step.Value)
            | _ -> ()

    /// Prepares for a plan: reads go to <paramref name="target"/> (zeros when null) and ranges are checked against
    /// its length (unbounded when null). A rendering journal records reads and out-of-range writes instead of
    /// stopping at them.
    member _.Reset(target: IDurableTarget | null, forRender: bool) =
        Debug.Assert((count = 0), "the journal was cleared")
        source <- target

        capacity <-
            match target with
            | null -> Int64.MaxValue
            | t -> t.Length

        rendering <- forRender
        outOfRange <- 0

    /// Forgets the steps and drops every reference they hold.
    member _.Clear() =
        if bytesCount > 0 then
            Array.Clear(bytes, 0, bytesCount)
            bytesCount <- 0

        count <- 0
        source <- null

    /// The number of recorded steps.
    member _.Count = count

    /// The i-th step, in program order.
    member _.Step(i: int) : inref<JournalStep> =
        Debug.Assert(i >= 0 && i < count, "step index in range")
        &steps[i]

    /// The bytes of Scalar step <paramref name="i"/> (valid until the next call on this journal).
    member _.ScalarBytes(i: int) : ReadOnlySpan<byte> =
        let step = &steps[i]
        Debug.Assert(step.Kind = StepKind.Scalar, "a scalar step")
        BinaryPrimitives.WriteInt64LittleEndian(Span scalarOut, step.Value)
        ReadOnlySpan(scalarOut, 0, int step.Length)

    /// The memory Write step <paramref name="step"/> stores.
    member _.Bytes(step: inref<JournalStep>) : ReadOnlyMemory<byte> =
        Debug.Assert(step.Kind = StepKind.Write, "a write step")
        bytes[int step.Value]

    /// The bytes ranges are checked against.
    member _.Capacity = capacity

    /// Writes recorded outside the target (render journals only).
    member _.OutOfRangeWrites = outOfRange

    /// Copies the bytes step <paramref name="i"/> stores (Write, Scalar or Fill) into
    /// <paramref name="destination"/>, whose length must be the step's.
    member _.CopyStepBytes(i: int, destination: Span<byte>) =
        let step = &steps[i]
        Debug.Assert(int64 destination.Length = step.Length, "destination has the step's length")
        overlay &step step.Offset destination

    member _.Write(offset: int64, data: ReadOnlyMemory<byte>) =
        if bytesCount = bytes.Length then
            Array.Resize(&bytes, bytesCount * 2)

        // Counted before record, so that Clear drops the reference even when record stops the plan.
        bytes[bytesCount] <- data
        bytesCount <- bytesCount + 1
        let before = count

        record
            {
                Kind = StepKind.Write
                Offset = offset
                Length = int64 data.Length
                Value = int64 (bytesCount - 1)
                InRange = true
            }

        if count = before then
            // An empty write, dropped: keep no reference to it.
            bytesCount <- bytesCount - 1
            bytes[bytesCount] <- ReadOnlyMemory.Empty

    /// Records a little-endian scalar of <paramref name="size"/> bytes (1, 2, 4 or 8).
    member _.WriteScalar(offset: int64, size: int, value: int64) =
        Debug.Assert((size = 1 || size = 2 || size = 4 || size = 8), "scalar width")

        record
            {
                Kind = StepKind.Scalar
                Offset = offset
                Length = int64 size
                Value = value
                InRange = true
            }

    member _.Fill(offset: int64, length: int64, value: byte) =
        record
            {
                Kind = StepKind.Fill
                Offset = offset
                Length = length
                Value = int64 value
                InRange = true
            }

    member _.Barrier() =
        append
            {
                Kind = StepKind.Barrier
                Offset = 0L
                Length = 0L
                Value = 0L
                InRange = true
            }

    /// Fills <paramref name="destination"/> with the bytes at <paramref name="offset"/> as the plan sees them.
    member _.Read(offset: int64, destination: Span<byte>) =
        let length = int64 destination.Length

        if not (inRange offset length) then
            raise (PlanAbortedException(PmemError.OutOfRange(offset, length, capacity)))

        if rendering then
            append
                {
                    Kind = StepKind.Read
                    Offset = offset
                    Length = length
                    Value = 0L
                    InRange = true
                }

        match source with
        | null -> destination.Clear()
        | target -> target.Read(offset, destination)

        for i in 0 .. count - 1 do
            let step = &steps[i]

            if step.InRange then
                overlay &step offset destination

    /// Reads a little-endian scalar of <paramref name="size"/> bytes (1, 2, 4 or 8), zero-extended.
    member this.ReadScalar(offset: int64, size: int) : uint64 =
        Array.Clear scalarIn
        this.Read(offset, Span(scalarIn, 0, size))
        BinaryPrimitives.ReadUInt64LittleEndian(ReadOnlySpan scalarIn)
