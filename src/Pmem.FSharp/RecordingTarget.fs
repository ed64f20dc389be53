namespace Pmem.FSharp

open System.Collections.Generic

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

        member _.StoreScalar(offset, size, value) =
            events.Add(Stored(offset, int64 size, false))

            if forward then
                inner.StoreScalar(offset, size, value)

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
