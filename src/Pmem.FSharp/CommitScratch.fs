namespace Pmem.FSharp

open Pmem

/// <summary>
/// Per-thread buffers a commit reuses, so that committing allocates nothing once warm; and the journal of the plan
/// running on this thread (Ambient).
/// </summary>
/// <remarks>
/// A commit started while another is running on the same thread (a plan whose own code commits) gets fresh,
/// uncached buffers, so nesting is safe. Why a thread-static: renting and returning it costs about 6 ns here, a
/// process-wide slot taken with Interlocked.Exchange about 15 ns (and contended across threads).
/// </remarks>
[<Sealed>]
type internal CommitScratch() =
    [<System.ThreadStatic; DefaultValue>]
    static val mutable private cached: CommitScratch | null

    // In this class with cached, not in a class of its own: a commit reads and writes both, and the thread statics
    // of one class share one lookup of their thread's block.
    [<System.ThreadStatic; DefaultValue>]
    static val mutable private active: Journal | null

    /// The journal of the plan running on this thread, or null (what Ambient.Journal reads).
    static member Active
        with get () = CommitScratch.active
        and set (value: Journal | null) = CommitScratch.active <- value

    member val Journal = Journal()
    member val Runs = TouchedRuns()
    member val InUse = false with get, set

    /// The thread's buffers, marked in use until Return.
    static member Rent() =
        match CommitScratch.cached with
        | null ->
            let scratch = CommitScratch(InUse = true)
            CommitScratch.cached <- scratch
            scratch
        | scratch when scratch.InUse -> CommitScratch(InUse = true)
        | scratch ->
            scratch.InUse <- true
            scratch

    static member Return(scratch: CommitScratch) = scratch.InUse <- false
