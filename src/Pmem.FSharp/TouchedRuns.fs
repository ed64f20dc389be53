namespace Pmem.FSharp

open System
open System.Diagnostics

/// <summary>
/// The units (cache lines or pages) one barrier group touched, as half-open runs <c>[start, end)</c>; <c>Issue</c>
/// sorts and merges them so that each unit is flushed (or msync'd) once, by one call per contiguous run.
/// </summary>
/// <remarks>Arrays grow by doubling and are reused across commits: adding runs allocates nothing once warm.</remarks>
[<Sealed>]
type internal TouchedRuns() =
    let mutable starts: int64 array = Array.zeroCreate 64
    let mutable ends: int64 array = Array.zeroCreate 64
    let mutable count = 0
    let mutable sorted = true

    /// The number of runs held (before the merge Issue does).
    member _.Count = count

    /// Adds units <c>[first, last]</c>. A run that overlaps or extends the previous one (consecutive writes)
    /// is merged into it at once.
    member _.Add(first: int64, last: int64) =
        Debug.Assert(first <= last, "a run holds at least one unit")

        if count > 0 && first >= starts[count - 1] && first <= ends[count - 1] then
            ends[count - 1] <- max ends[count - 1] (last + 1L)
        else
            if count = starts.Length then
                Array.Resize(&starts, count * 2)
                Array.Resize(&ends, count * 2)

            if count > 0 && first < starts[count - 1] then
                sorted <- false

            starts[count] <- first
            ends[count] <- last + 1L
            count <- count + 1

    member _.Clear() =
        count <- 0
        sorted <- true

    /// Makes the touched units durable on <paramref name="target"/> with one call per maximal run (overlapping
    /// and adjacent runs merged), in ascending order: <c>FlushLines</c> when the units are lines, <c>Msync</c>
    /// (clipped to the target's length) when they are pages of <paramref name="pageSize"/> bytes.
    member _.Issue(target: IDurableTarget, pages: bool, pageSize: int64) =
        if count > 0 then
            if not sorted then
                MemoryExtensions.Sort(Span(starts, 0, count), Span(ends, 0, count))

            let mutable runStart = starts[0]
            let mutable runEnd = ends[0]

            for i in 1 .. count - 1 do
                if starts[i] <= runEnd then
                    runEnd <- max runEnd ends[i]
                else
                    TouchedRuns.IssueOne(target, pages, pageSize, runStart, runEnd)
                    runStart <- starts[i]
                    runEnd <- ends[i]

            TouchedRuns.IssueOne(target, pages, pageSize, runStart, runEnd)

    static member private IssueOne(target: IDurableTarget, pages: bool, pageSize: int64, first: int64, stop: int64) =
        if pages then
            let offset = first * pageSize
            target.Msync(offset, min (stop * pageSize) target.Length - offset)
        else
            target.FlushLines(first, stop - first)
