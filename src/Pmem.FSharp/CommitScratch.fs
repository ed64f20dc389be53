namespace Pmem.FSharp

open System.Runtime.CompilerServices
open Pmem

/// <summary>
/// Per-thread buffers a commit reuses, so that committing allocates nothing once warm; the thread's own instance
/// also holds the journal of the plan running on the thread (Ambient).
/// </summary>
/// <remarks>
/// A commit started while another is running on the same thread (a plan whose own code commits) gets fresh,
/// uncached buffers, so nesting is safe. Why a thread-static: renting and returning it costs about 6 ns here, a
/// process-wide slot taken with Interlocked.Exchange about 15 ns (and contended across threads). Why one object for
/// both: a thread-static read is a call here (the runtime's TLS lookup), and a commit that reads the thread's
/// instance once then sets and restores its Active field makes one such call instead of four.
/// </remarks>
[<Sealed>]
type internal CommitScratch() =
    let mutable active: Journal | null = null

    [<System.ThreadStatic; DefaultValue>]
    static val mutable private cached: CommitScratch | null

    member val Journal = Journal()
    member val Runs = TouchedRuns()
    member val InUse = false with get, set

    /// On the thread's own instance: the journal of the plan running on the thread, or null.
    member _.Active
        with get (): Journal | null = active
        and set (value: Journal | null) = active <- value

    /// The thread's own instance (created on first use).
    static member ForThread() =
        match CommitScratch.cached with
        | null -> CommitScratch.Create()
        | scratch -> scratch

    [<MethodImpl(MethodImplOptions.NoInlining)>]
    static member private Create() =
        let scratch = CommitScratch()
        CommitScratch.cached <- scratch
        scratch

    /// The journal of the plan running on this thread, or null (Ambient.Journal).
    static member ActiveOnThread =
        match CommitScratch.cached with
        | null -> null
        | scratch -> scratch.Active

    /// Buffers for one commit on the thread whose instance is <paramref name="thread"/>: that instance, marked in
    /// use until Return, or a fresh one when it is in use (a nested commit).
    static member Rent(thread: CommitScratch) =
        if thread.InUse then
            CommitScratch(InUse = true)
        else
            thread.InUse <- true
            thread

    static member Return(scratch: CommitScratch) = scratch.InUse <- false
