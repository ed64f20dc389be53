namespace Pmem.FSharp

open System
open System.Collections.Generic

/// One call a commit made on its target, in order.
type internal TargetEvent =
    | Stored of offset: int64 * length: int64 * nonTemporal: bool
    | Filled of offset: int64 * length: int64 * value: byte * nonTemporal: bool
    | FlushedLines of firstLine: int64 * lineCount: int64
    | Drained
    | Msynced of offset: int64 * length: int64

/// Call counts of one commit, derived from its events.
type internal CommitCounts =
    {
        /// Store and Fill calls (each partial line run and each non-temporal body is one).
        Stores: int
        /// Store and Fill calls with non-temporal stores.
        NonTemporalStores: int
        FlushCalls: int
        FlushedLines: int64
        Drains: int
        MsyncCalls: int
        MsyncBytes: int64
    }

module internal CommitCounts =
    let ofEvents (events: TargetEvent seq) =
        let zero =
            {
                Stores = 0
                NonTemporalStores = 0
                FlushCalls = 0
                FlushedLines = 0L
                Drains = 0
                MsyncCalls = 0
                MsyncBytes = 0L
            }

        (zero, events)
        ||> Seq.fold (fun c event ->
            match event with
            | Stored (_, _, nt)
            | Filled (_, _, _, nt) ->
                { c with
                    Stores = c.Stores + 1
                    NonTemporalStores = c.NonTemporalStores + (if nt then 1 else 0)
                }
            | FlushedLines (_, n) ->
                { c with
                    FlushCalls = c.FlushCalls + 1
                    FlushedLines = c.FlushedLines + n
                }
            | Drained -> { c with Drains = c.Drains + 1 }
            | Msynced (_, n) ->
                { c with
                    MsyncCalls = c.MsyncCalls + 1
                    MsyncBytes = c.MsyncBytes + n
                })

/// <summary>
/// The instrumentation hook: a target that records every call a commit makes (TargetEvent), and either forwards
/// it to <paramref name="inner"/> (an instrumented real commit: tests count flushes and drains with it) or, when
/// <paramref name="forward"/> is false, only records it (a dry run: Durable.render). Reads always go to the inner
/// target, so a dry run sees the mapping's bytes.
/// </summary>
[<Sealed>]
type internal RecordingTarget(inner: IDurableTarget, forward: bool) =
    let events = List<TargetEvent>()

    /// Every call so far, in order.
    member _.Events = events :> IReadOnlyList<TargetEvent>

    interface IDurableTarget with
        member _.Length = inner.Length
        member _.FlushesLines = inner.FlushesLines
        member _.PageSize = inner.PageSize
        member _.NonTemporalThreshold = inner.NonTemporalThreshold
        member _.Read(offset, destination) = inner.Read(offset, destination)

        member _.Store(offset, source, nonTemporal) =
            events.Add(Stored(offset, int64 source.Length, nonTemporal))

            if forward then
                inner.Store(offset, source, nonTemporal)

        member _.Fill(offset, length, value, nonTemporal) =
            events.Add(Filled(offset, length, value, nonTemporal))

            if forward then
                inner.Fill(offset, length, value, nonTemporal)

        member _.FlushLines(firstLine, lineCount) =
            events.Add(FlushedLines(firstLine, lineCount))

            if forward then
                inner.FlushLines(firstLine, lineCount)

        member _.Drain() =
            events.Add Drained

            if forward then
                inner.Drain()

        member _.Msync(offset, length) =
            events.Add(Msynced(offset, length))

            if forward then
                inner.Msync(offset, length)

/// <summary>
/// The target a plan is rendered against when no mapping is given: unbounded, all zeros, pmem-like (lines are flushed
/// and drained), with the non-temporal threshold in force. It must never be stored to (render only dry-runs it).
/// </summary>
[<Sealed>]
type internal ZeroTarget() =
    interface IDurableTarget with
        member _.Length = Int64.MaxValue
        member _.FlushesLines = true
        member _.PageSize = int64 Pmem.PageFlush.PageSize

        member _.NonTemporalThreshold =
            let c = Pmem.PersistenceConfig.Current
            if c.FlushesCaches then int64 c.NtThreshold else Int64.MaxValue

        member _.Read(_, destination) = destination.Clear()
        member _.Store(_, _, _) = invalidOp "ZeroTarget is read-only."
        member _.Fill(_, _, _, _) = invalidOp "ZeroTarget is read-only."
        member _.FlushLines(_, _) = invalidOp "ZeroTarget is read-only."
        member _.Drain() = invalidOp "ZeroTarget is read-only."
        member _.Msync(_, _) = invalidOp "ZeroTarget is read-only."
