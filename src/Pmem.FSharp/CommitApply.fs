namespace Pmem.FSharp

open System
open System.Diagnostics

/// <summary>Phase 2 of a commit: executes a journal's steps on a target, flushing each touched line once per group.</summary>
/// <remarks>
/// <para>Steps are applied in program order, group by group (a group ends at a Barrier step and at the end of the
/// journal). For each write the whole 64-byte lines it covers may be stored non-temporally (StoreHint, threshold), the
/// rest with ordinary stores; the lines (or, without pmem, pages) touched by ordinary stores are collected, and when
/// the group ends each is flushed exactly once (one FlushLines call per merged run), then one Drain — or one Msync per
/// merged run of pages. Empty groups issue nothing. Nothing here allocates once the scratch arrays are warm.</para>
/// <para>The functions are <c>inline</c> over the target's type so that <c>applyTo</c> on the sealed MappingTarget
/// (every commit on a mapping) calls its stores and flushes directly, not through the interface: a commit of N
/// scattered writes makes about 2N target calls. Other targets (the simulator's adapter, the recorder, render's dry
/// run) share one copy typed IDurableTarget (<c>apply</c>).</para>
/// </remarks>
module internal CommitApply =
    [<Literal>]
    let LineMask = 63L

    /// Remembers that ordinary stores touched <c>[offset, offset + length)</c>, in lines or pages.
    let inline touch (runs: TouchedRuns) (pmem: bool) (pageSize: int64) (offset: int64) (length: int64) =
        if pmem then
            runs.Add(offset >>> DurableLine.Shift, (offset + length - 1L) >>> DurableLine.Shift)
        else
            runs.Add(offset / pageSize, (offset + length - 1L) / pageSize)

    /// Stores <c>[first, stop)</c> of a Write or Fill step.
    let inline store
        (target: 'Target when 'Target :> IDurableTarget)
        (journal: Journal)
        (step: inref<JournalStep>)
        (first: int64)
        (stop: int64)
        (nonTemporal: bool)
        =
        if step.Kind = StepKind.Fill then
            target.Fill(first, stop - first, byte step.Value, nonTemporal)
        else
            let bytes = journal.Bytes(&step).Span
            target.Store(first, bytes.Slice(int (first - step.Offset), int (stop - first)), nonTemporal)

    /// Makes the group's touched units durable: one FlushLines per merged run of lines, or one Msync per merged run
    /// of pages (clipped to the target's length); then empties <paramref name="runs"/>.
    let inline issue
        (target: 'Target when 'Target :> IDurableTarget)
        (runs: TouchedRuns)
        (pmem: bool)
        (pageSize: int64)
        =
        for i in 0 .. runs.Merge() - 1 do
            let first = runs.Start i
            let stop = runs.Stop i

            if pmem then
                target.FlushLines(first, stop - first)
            else
                let offset = first * pageSize
                target.Msync(offset, min (stop * pageSize) target.Length - offset)

        runs.Clear()

    /// Applies the steps of <paramref name="journal"/> to <paramref name="target"/>. Ranges were checked in
    /// phase 1. Throws only what the target throws (PmemException from msync on a real mapping).
    let inline applyTo
        (target: 'Target when 'Target :> IDurableTarget)
        (options: CommitOptions)
        (journal: Journal)
        (runs: TouchedRuns)
        =
        let pmem = target.FlushesLines
        let pageSize = target.PageSize

        let threshold =
            if not pmem then
                Int64.MaxValue
            else
                match options.Stores with
                | StoreHint.Auto -> target.NonTemporalThreshold
                | StoreHint.NonTemporal -> 0L
                | StoreHint.Temporal -> Int64.MaxValue

        let mutable groupStored = false
        runs.Clear()

        for i in 0 .. journal.Count - 1 do
            let step = &journal.Step i

            match step.Kind with
            | StepKind.Scalar ->
                groupStored <- true
                target.StoreScalar(step.Offset, int step.Length, step.Value)
                touch runs pmem pageSize step.Offset step.Length
            | StepKind.Read -> ()
            | StepKind.Barrier ->
                if groupStored then
                    issue target runs pmem pageSize

                    if pmem then
                        target.Drain()

                    groupStored <- false
            | _ ->
                Debug.Assert(step.InRange && step.Length > 0L, "phase 1 kept only in-range, non-empty writes")
                groupStored <- true
                let finish = step.Offset + step.Length
                // The whole lines inside the write: [bodyStart, bodyEnd).
                let bodyStart = (step.Offset + LineMask) &&& ~~~LineMask
                let bodyEnd = finish &&& ~~~LineMask

                if step.Length >= threshold && bodyEnd > bodyStart then
                    if bodyStart > step.Offset then
                        store target journal &step step.Offset bodyStart false
                        touch runs pmem pageSize step.Offset (bodyStart - step.Offset)

                    store target journal &step bodyStart bodyEnd true

                    if finish > bodyEnd then
                        store target journal &step bodyEnd finish false
                        touch runs pmem pageSize bodyEnd (finish - bodyEnd)
                else
                    store target journal &step step.Offset finish false
                    touch runs pmem pageSize step.Offset step.Length

        if groupStored then
            issue target runs pmem pageSize

            if pmem && options.FinalDrain then
                target.Drain()

    /// applyTo for any target, through the interface.
    let apply (target: IDurableTarget) (options: CommitOptions) (journal: Journal) (runs: TouchedRuns) =
        applyTo target options journal runs
