namespace Pmem.FSharp

#nowarn "3501" // PlanCalls: the inline functions call it

open System
open System.Diagnostics
open System.Runtime.CompilerServices
open System.Runtime.InteropServices
open Pmem

[<RequireQualifiedAccess>]
module Durable =
    // Representation: PlanRun (PlanRun.fs)

    let private general (run: Journal -> 'T) = PlanRun.general run
    let runIn (journal: Journal) (plan: Durable<'T>) : 'T = PlanRun.runIn journal plan

    // Composition. The functions that take a plan are inline and pass it by reference (PlanCalls: why).

    let result (value: 'T) = general (fun _ -> value)

    let unit: Durable<unit> = PlanRun.nothing

    let inline map (mapping: 'T -> 'U) (plan: Durable<'T>) : Durable<'U> =
        let mutable plan = plan
        PlanCalls.Map(&plan, mapping)

    let inline bind (binder: 'T -> Durable<'U>) (plan: Durable<'T>) : Durable<'U> =
        let mutable plan = plan
        PlanCalls.Bind(&plan, binder)

    let delay (generator: unit -> Durable<'T>) : Durable<'T> = PlanRun.delayed generator

    let inline ignore (plan: Durable<'T>) = map ignore<'T> plan

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
        PlanCalls.Combine(&first, second)

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

    // Writes: scalars, fills, barriers and writes of an array's bytes are data in the plan (PlanRun.StepCode), no
    // allocation; so is a write of a MemoryManager's memory (native, pooled); a write of other memory (empty) is one
    // closure.

    /// What a plan holds for memory no array backs: its MemoryManager (native memory, a pool's), whose range goes in
    /// the plan's B as an array's does (PlanRun.tryRecordOther records it, no allocation); else (empty memory) a
    /// closure that records the write. A reference, returned in a register (a plan returned from a call is a 32-byte
    /// struct the caller's frame zeroes on every path).
    [<MethodImpl(MethodImplOptions.NoInlining)>]
    let private writeOtherMemory (offset: int64) (bytes: ReadOnlyMemory<byte>) (range: byref<int64>) : obj =
        let mutable manager = Unchecked.defaultof<Buffers.MemoryManager<byte>>
        let mutable start = 0
        let mutable length = 0

        if Runtime.InteropServices.MemoryMarshal.TryGetMemoryManager(bytes, &manager, &start, &length) then
            range <- (int64 start <<< 32) ||| int64 (uint32 length)
            manager :> obj
        else
            (fun (journal: Journal) -> journal.Write(offset, bytes)) :> obj

    // Inlined into a block's code (DurableBuilder.Run): a call's frame (saved registers, the plan returned through memory) is memory
    // writes, which a commit makes while the previous commit's drain completes (see DurableCommit.commitBody).
    [<MethodImpl(MethodImplOptions.AggressiveInlining)>]
    let writeMemory (offset: int64) (bytes: ReadOnlyMemory<byte>) =
        let struct (array, range) = ByteMemory.ArrayOf bytes
        let mutable range = range

        // A null test, not the NonNull pattern (the (|Null|NonNull|) active pattern allocates a Choice per call).
        // One plan built after the branch (a plan built in the rarely taken branch is a constructor call there, and
        // a 32-byte local the frame zeroes on every path); a closure's plan ignores A and B.
        let run: obj =
            match array with
            | null -> writeOtherMemory offset bytes &range
            | array -> array

        PlanRun.store run offset range

    let write (offset: int64) (bytes: byte array) = writeMemory offset (ReadOnlyMemory bytes)

    let writeSpan (offset: int64) (bytes: ReadOnlySpan<byte>) = writeMemory offset (ReadOnlyMemory(bytes.ToArray()))

    let writeByte (offset: int64) (value: byte) =
        PlanRun.store StepCode.Scalar1 offset (int64 value)

    let writeUInt32 (offset: int64) (value: uint32) =
        PlanRun.store StepCode.Scalar4 offset (int64 value)

    let writeInt32 (offset: int64) (value: int32) = writeUInt32 offset (uint32 value)

    let writeInt64 (offset: int64) (value: int64) : Durable<unit> = PlanRun.store StepCode.Scalar8 offset value

    let writeUInt64 (offset: int64) (value: uint64) = writeInt64 offset (int64 value)

    let fill (offset: int64) (length: int64) (value: byte) =
        PlanRun.store (StepCode.Fill value) offset length

    let barrier = PlanRun.store StepCode.Barrier 0L 0L

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

    // Commit: DurableCommit (DurableCommit.fs), AtomicCommit (AtomicCommit.fs)

    let internal evaluate (journal: Journal) (plan: Durable<'T>) = PlanRun.evaluate journal plan

    let internal commitOn (target: ICommitTarget) (options: CommitOptions) (plan: Durable<'T>) =
        DurableCommit.commitOn target options null &plan

    let inline commitWith (options: CommitOptions) (target: IPmemTarget) (plan: Durable<'T>) =
        // The plan's own address, not a copy's: a plan made just before (the usual case) is then read where it was
        // built, field by field, instead of being copied with one wide load that store-to-load forwarding cannot
        // serve (which waits for the previous commit's drain to complete).
        PlanCalls.Commit(options, target, &plan)

    let inline commit (target: IPmemTarget) (plan: Durable<'T>) = commitWith CommitOptions.defaults target plan

    let inline committing (target: IPmemTarget) = DurableCommitBuilder(target, CommitOptions.defaults)

    let inline committingWith (options: CommitOptions) (target: IPmemTarget) = DurableCommitBuilder(target, options)

    let internal commitRecorded (options: CommitOptions) (mapping: PmemMapping) (plan: Durable<'T>) =
        DurableCommit.commitRecorded options mapping plan

    // Atomic commit

    let commitAtomicWith (region: RedoLogRegion) (target: IPmemTarget) (plan: Durable<'T>) =
        AtomicCommit.commit target region plan

    let commitAtomic (target: IPmemTarget) (plan: Durable<'T>) =
        AtomicCommit.commit target (RedoLogRegion.AtEnd target.Length) plan

    let recoverWith (region: RedoLogRegion) (target: IPmemTarget) = AtomicCommit.recover target region

    let recover (target: IPmemTarget) =
        AtomicCommit.recover target (RedoLogRegion.AtEnd target.Length)

    // Simulation and rendering: DurableRender (DurableRender.fs)

    let simulateWith (options: CommitOptions) (initial: byte array) (plan: Durable<'T>) =
        let simulator = Simulation.PmemSimulator(ReadOnlySpan initial)

        {
            Value = DurableCommit.commitWith options simulator plan
            Simulator = simulator
        }

    let simulate (initial: byte array) (plan: Durable<'T>) = simulateWith CommitOptions.defaults initial plan

    let render (plan: Durable<'T>) = DurableRender.render plan

    let renderOn (target: IPmemTarget) (plan: Durable<'T>) = DurableRender.renderOn target plan
