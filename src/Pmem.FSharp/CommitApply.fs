namespace Pmem.FSharp

open System
open System.Diagnostics

/// <summary>Phase 2 of a commit: executes a journal's steps on a target, flushing each touched line once per group.</summary>
/// <remarks>
/// Steps are applied in program order, group by group (a group ends at a Barrier step and at the end of the journal).
/// For each write the whole 64-byte lines it covers may be stored non-temporally (StoreHint, threshold), the rest
/// with ordinary stores; the lines (or, without pmem, pages) touched by ordinary stores are collected, and when the
/// group ends each is flushed exactly once (one FlushLines call per merged run), then one Drain — or one Msync per
/// merged run of pages. Empty groups issue nothing. Nothing here allocates once the scratch arrays are warm.
/// </remarks>
module internal CommitApply =
    [<Literal>]
    let private LineMask = 63L

    /// Remembers that ordinary stores touched <c>[offset, offset + length)</c>, in lines or pages.
    let private touch (runs: TouchedRuns) (pmem: bool) (pageSize: int64) (offset: int64) (length: int64) =
        if pmem then
            runs.Add(offset >>> DurableLine.Shift, (offset + length - 1L) >>> DurableLine.Shift)
        else
            runs.Add(offset / pageSize, (offset + length - 1L) / pageSize)

    /// Stores <c>[first, stop)</c> of a Write or Fill step.
    let private store (target: IDurableTarget, step: inref<JournalStep>, first: int64, stop: int64, nonTemporal: bool) =
        if step.Kind = StepKind.Fill then
            target.Fill(first, stop - first, byte step.Value, nonTemporal)
        else
            target.Store(first, step.Data.Span.Slice(int (first - step.Offset), int (stop - first)), nonTemporal)

    /// Applies the steps of <paramref name="journal"/> to <paramref name="target"/>. Ranges were checked in
    /// phase 1. Throws only what the target throws (PmemException from msync on a real mapping).
    let apply (target: IDurableTarget) (options: CommitOptions) (journal: Journal) (runs: TouchedRuns) =
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
            | StepKind.Read -> ()
            | StepKind.Barrier ->
                if groupStored then
                    runs.Issue(target, not pmem, pageSize)

                    if pmem then
                        target.Drain()

                    runs.Clear()
                    groupStored <- false
            | StepKind.Scalar ->
                groupStored <- true
                target.StoreScalar(step.Offset, int step.Length, step.Value)
                touch runs pmem pageSize step.Offset step.Length
            | _ ->
                Debug.Assert(step.InRange && step.Length > 0L, "phase 1 kept only in-range, non-empty writes")
                groupStored <- true
                let finish = step.Offset + step.Length
                // The whole lines inside the write: [bodyStart, bodyEnd).
                let bodyStart = (step.Offset + LineMask) &&& ~~~LineMask
                let bodyEnd = finish &&& ~~~LineMask

                if step.Length >= threshold && bodyEnd > bodyStart then
                    if bodyStart > step.Offset then
                        store (target, &step, step.Offset, bodyStart, false)
                        touch runs pmem pageSize step.Offset (bodyStart - step.Offset)

                    store (target, &step, bodyStart, bodyEnd, true)

                    if finish > bodyEnd then
                        store (target, &step, bodyEnd, finish, false)
                        touch runs pmem pageSize bodyEnd (finish - bodyEnd)
                else
                    store (target, &step, step.Offset, finish, false)
                    touch runs pmem pageSize step.Offset step.Length

        if groupStored then
            runs.Issue(target, not pmem, pageSize)

            if pmem && options.FinalDrain then
                target.Drain()

            runs.Clear()
