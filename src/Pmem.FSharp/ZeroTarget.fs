namespace Pmem.FSharp

open System

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
        member _.StoreScalar(_, _, _) = invalidOp "ZeroTarget is read-only."
        member _.Fill(_, _, _, _) = invalidOp "ZeroTarget is read-only."
        member _.FlushLines(_, _) = invalidOp "ZeroTarget is read-only."
        member _.Drain() = invalidOp "ZeroTarget is read-only."
        member _.Msync(_, _) = invalidOp "ZeroTarget is read-only."
