namespace Pmem.FSharp

open System.Runtime.CompilerServices
open Pmem

/// <summary>
/// Per-thread buffers a commit reuses, so that committing allocates nothing once warm; the thread's own instance
/// also says which journal the plan running on the thread records into (ActiveOnThread).
/// </summary>
/// <remarks>
/// <para>A commit started while another is running on the same thread (a plan whose own code commits) gets fresh,
/// uncached buffers, so nesting is safe. Why a thread-static: renting and returning it costs about 6 ns here, a
/// process-wide slot taken with Interlocked.Exchange about 15 ns (and contended across threads). It lives in Core's
/// per-thread MappingUse slot, whose thread-static read a commit's claim on a mapping makes anyway.</para>
/// <para>The active journal: <c>Other</c> when set (a render's, an atomic commit's, a nested commit's), else the own
/// journal while the own buffers are rented, else none. Why not one reference field set and restored by each
/// commit: a thread-static read is a call here (the runtime's TLS lookup) and a reference store a write-barrier
/// call, and the common commit (own buffers, nothing nested) then makes one lookup and two byte stores.</para>
/// </remarks>
[<Sealed>]
type internal CommitScratch() =
    let mutable other: Journal | null = null

    member val Journal = Journal()

    /// Rented (on the thread's own instance: its journal is the active one unless Other is set).
    member val InUse = false with get, set

    /// On the thread's own instance: a journal other than its own that is active, or null.
    member _.Other
        with get (): Journal | null = other
        and set (value: Journal | null) = other <- value

    /// An exception a commit's phases raised that is not why the plan stopped (the plan's own code threw), kept from
    /// its handler until the commit has released its claim and rethrows it (DurableCommit.stopReason, rethrowFault).
    member val Fault: exn | null = null with get, set

    /// On the thread's own instance: the journal of the plan running on the thread, or null.
    member this.Active: Journal | null =
        match other with
        | null -> if this.InUse then this.Journal else null
        | journal -> journal

    /// The thread's own instance (created on first use), held in the thread's MappingUse slot in Core (the slot a
    /// commit's claim on a mapping reads anyway: a commit reads it once and passes it).
    static member In(slot: MappingUse) =
        match slot.CommitScratch with
        | null -> CommitScratch.Create slot
        | scratch -> Unchecked.nonNull (Unsafe.As<CommitScratch> scratch)

    /// The calling thread's own instance.
    static member ForThread() = CommitScratch.In MappingUse.ForThisThread

    [<MethodImpl(MethodImplOptions.NoInlining)>]
    static member private Create(slot: MappingUse) =
        let scratch = CommitScratch()
        slot.CommitScratch <- scratch
        scratch

    /// The journal of the plan running on this thread, or null. The durable builder's members run only while a plan
    /// runs (a durable { } body is code the plan calls with its journal), so they record into this journal at once instead of
    /// building a plan of closures (PlanCalls.Current, DurableBuilder).
    static member ActiveOnThread: Journal | null =
        match MappingUse.ForThisThread.CommitScratch with
        | null -> null
        | scratch -> (Unchecked.nonNull (Unsafe.As<CommitScratch> scratch)).Active
