namespace Pmem.FSharp

open System
open System.Buffers.Binary
open global.Pmem

[<Struct; StructuredFormatDisplay("{Display}")>]
type Durable<'T> =
    internal
    | Durable of run: (Journal -> 'T)

    member internal _.Display = $"Durable<{typeof<'T>.Name}> (a plan: Durable.render shows its steps)"

[<RequireQualifiedAccess>]
module Durable =
    // Composition

    let result (value: 'T) = Durable(fun _ -> value)

    let unit = Durable(fun _ -> ())

    let map (mapping: 'T -> 'U) (Durable run) = Durable(fun journal -> mapping (run journal))

    let bind (binder: 'T -> Durable<'U>) (Durable run) =
        Durable(fun journal ->
            let (Durable next) = binder (run journal)
            next journal)

    let delay (generator: unit -> Durable<'T>) =
        Durable(fun journal ->
            let (Durable run) = generator ()
            run journal)

    let ignore (Durable run: Durable<'T>) = Durable(fun journal -> run journal |> ignore<'T>)

    let iter (action: 'T -> Durable<unit>) (items: 'T seq) =
        Durable(fun journal ->
            for item in items do
                let (Durable run) = action item
                run journal)

    let sequence (plans: Durable<'T> list) =
        Durable(fun journal -> plans |> List.map (fun (Durable run) -> run journal))

    let internal combine (Durable first) (second: unit -> Durable<'T>) =
        Durable(fun journal ->
            first journal
            let (Durable run) = second ()
            run journal)

    let internal whileDo (guard: unit -> bool) (body: unit -> Durable<unit>) =
        Durable(fun journal ->
            while guard () do
                let (Durable run) = body ()
                run journal)

    let internal tryFinally (compensation: unit -> unit) (body: unit -> Durable<'T>) =
        Durable(fun journal ->
            try
                let (Durable run) = body ()
                run journal
            finally
                compensation ())

    let internal using (binder: 'R -> Durable<'T>) (resource: 'R :> IDisposable) =
        Durable(fun journal ->
            try
                let (Durable run) = binder resource
                run journal
            finally
                match box resource with
                | null -> ()
                | _ -> resource.Dispose())

    // Writes

    let writeMemory (offset: int64) (bytes: ReadOnlyMemory<byte>) =
        Durable(fun journal -> journal.Write(offset, bytes))

    let write (offset: int64) (bytes: byte array) = writeMemory offset (ReadOnlyMemory bytes)

    let writeSpan (offset: int64) (bytes: ReadOnlySpan<byte>) = writeMemory offset (ReadOnlyMemory(bytes.ToArray()))

    let writeByte (offset: int64) (value: byte) =
        Durable(fun journal -> journal.WriteScalar(offset, 1, int64 value))

    let writeUInt32 (offset: int64) (value: uint32) =
        Durable(fun journal -> journal.WriteScalar(offset, 4, int64 value))

    let writeInt32 (offset: int64) (value: int32) = writeUInt32 offset (uint32 value)

    let writeInt64 (offset: int64) (value: int64) =
        Durable(fun journal -> journal.WriteScalar(offset, 8, value))

    let writeUInt64 (offset: int64) (value: uint64) = writeInt64 offset (int64 value)

    let fill (offset: int64) (length: int64) (value: byte) =
        Durable(fun journal -> journal.Fill(offset, length, value))

    let barrier = Durable(fun (journal: Journal) -> journal.Barrier())

    // Reads

    let read (offset: int64) (length: int) =
        Durable(fun journal ->
            if length < 0 then
                raise (PlanAbortedException(PmemError.OutOfRange(offset, int64 length, journal.Capacity)))

            let bytes = Array.zeroCreate length
            journal.Read(offset, Span bytes)
            bytes)

    let readByte (offset: int64) =
        Durable(fun journal -> byte (journal.ReadScalar(offset, 1)))

    let readUInt32 (offset: int64) =
        Durable(fun journal -> uint32 (journal.ReadScalar(offset, 4)))

    let readInt32 (offset: int64) =
        Durable(fun journal -> int32 (journal.ReadScalar(offset, 4)))

    let readUInt64 (offset: int64) =
        Durable(fun journal -> journal.ReadScalar(offset, 8))

    let readInt64 (offset: int64) =
        Durable(fun journal -> int64 (journal.ReadScalar(offset, 8)))

    // Commit

    let internal evaluate (journal: Journal) (Durable run: Durable<'T>) : Result<'T, PmemError> =
        try
            Ok(run journal)
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
                    CommitApply.apply target options journal scratch.Runs
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
