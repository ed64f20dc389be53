namespace Pmem.FSharp

open System
open System.Diagnostics

/// <summary>
/// The units (cache lines or pages) one barrier group touched, as half-open runs <c>[start, end)</c>; <c>Merge</c>
/// sorts and merges them so that each unit is flushed (or msync'd) once, by one call per contiguous run.
/// </summary>
/// <remarks>Arrays grow by doubling and are reused across commits: adding runs allocates nothing once warm.</remarks>
[<Sealed>]
type internal TouchedRuns() =
    let mutable starts: int64 array = Array.zeroCreate 64
    let mutable ends: int64 array = Array.zeroCreate 64
    let mutable count = 0
    let mutable sorted = true

    /// The number of runs held (maximal after Merge).
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

    /// <summary>
    /// Sorts the runs and merges overlapping and adjacent ones in place; returns how many maximal runs remain, in
    /// ascending order (<c>Start</c>/<c>Stop</c> read them). CommitApply flushes (or msyncs) each once.
    /// </summary>
    /// <remarks>
    /// Runs added in ascending order are already maximal (Add merged each with the one before when they touched), so
    /// only an out-of-order group pays for the sort and the merge.
    /// </remarks>
    member _.Merge() =
        if not sorted then
            MemoryExtensions.Sort(Span(starts, 0, count), Span(ends, 0, count))
            sorted <- true
            let mutable merged = 0

            for i in 1 .. count - 1 do
                if starts[i] <= ends[merged] then
                    ends[merged] <- max ends[merged] ends[i]
                else
                    merged <- merged + 1
                    starts[merged] <- starts[i]
                    ends[merged] <- ends[i]

            count <- merged + 1

        count

    /// The first unit of run <paramref name="i"/>.
    member _.Start(i: int) = starts[i]

    /// The unit after the last of run <paramref name="i"/>.
    member _.Stop(i: int) = ends[i]
