namespace Pmem.FSharp

open System
open Pmem

/// <summary>Building, composing, committing and rendering durable plans.</summary>
/// <remarks>
/// Nothing a plan writes is stored, let alone durable, until <c>Durable.commit</c> runs it; when the commit returns
/// <c>Ok</c>, every write of the plan is durable. Offsets are byte offsets into the mapping; multi-byte values are little-endian. A write of 1, 2, 4 or 8 bytes
/// (<c>writeInt64</c> and friends) is stored with one store of that width, so an 8-byte write to an 8-aligned
/// offset can never be torn by a crash — the usual way to publish data (write it, <c>barrier</c>, then write the
/// 8-byte pointer or flag that makes it valid).
/// </remarks>
[<RequireQualifiedAccess>]
module Durable =
    // Composition

    /// A plan that writes nothing and returns <paramref name="value"/> (what <c>return</c> does in <c>durable { }</c>).
    val result: value: 'T -> Durable<'T>

    /// A plan that does nothing (what an empty <c>else</c> branch does in <c>durable { }</c>).
    val unit: Durable<unit>

    /// Transforms the value a plan returns.
    val inline map: mapping: ('T -> 'U) -> plan: Durable<'T> -> Durable<'U>

    /// Runs <paramref name="plan"/>, then the plan <paramref name="binder"/> makes from its value
    /// (what <c>let!</c> does in <c>durable { }</c>).
    val inline bind: binder: ('T -> Durable<'U>) -> plan: Durable<'T> -> Durable<'U>

    /// A plan that calls <paramref name="generator"/> each time it runs, and runs the plan it returns.
    val delay: generator: (unit -> Durable<'T>) -> Durable<'T>

    /// Runs <paramref name="plan"/> and discards its value.
    val inline ignore: plan: Durable<'T> -> Durable<unit>

    /// Runs <c>action item</c> for each item, in order (what <c>for … in … do</c> does in <c>durable { }</c>).
    val iter: action: ('T -> Durable<unit>) -> items: 'T seq -> Durable<unit>

    /// Runs the plans in order and returns their values.
    val sequence: plans: Durable<'T> list -> Durable<'T list>

    // Writes

    /// <summary>Writes <paramref name="bytes"/> at <paramref name="offset"/>.</summary>
    /// <remarks>
    /// The array is not copied: the commit stores the bytes it holds when the commit runs, so do not change it
    /// until the commit has returned (as with any <c>ReadOnlyMemory</c> handed to an I/O call). Use
    /// <c>writeSpan</c> to copy when the plan is built.
    /// </remarks>
    val write: offset: int64 -> bytes: byte array -> Durable<unit>

    /// As <c>write</c>, for a slice of memory (not copied either).
    val writeMemory: offset: int64 -> bytes: ReadOnlyMemory<byte> -> Durable<unit>

    /// As <c>write</c>, copying <paramref name="bytes"/> now, so the span's memory may change afterwards.
    val writeSpan: offset: int64 -> bytes: ReadOnlySpan<byte> -> Durable<unit>

    /// Writes one byte.
    val writeByte: offset: int64 -> value: byte -> Durable<unit>

    /// Writes a 4-byte little-endian integer with one 4-byte store.
    val writeInt32: offset: int64 -> value: int32 -> Durable<unit>

    /// Writes a 4-byte little-endian unsigned integer with one 4-byte store.
    val writeUInt32: offset: int64 -> value: uint32 -> Durable<unit>

    /// Writes an 8-byte little-endian integer with one 8-byte store (atomic across a crash when the offset is a
    /// multiple of 8).
    val writeInt64: offset: int64 -> value: int64 -> Durable<unit>

    /// Writes an 8-byte little-endian unsigned integer with one 8-byte store (atomic when 8-aligned).
    val writeUInt64: offset: int64 -> value: uint64 -> Durable<unit>

    /// Writes <paramref name="length"/> copies of <paramref name="value"/> at <paramref name="offset"/>.
    val fill: offset: int64 -> length: int64 -> value: byte -> Durable<unit>

    /// <summary>An ordering point: every write before it is durable before any write after it is stored.</summary>
    /// <remarks>
    /// The commit flushes the lines written so far and drains there, so a crash can never leave a later write
    /// persisted without the earlier ones. Each barrier after at least one write costs one drain.
    /// </remarks>
    /// <example><code lang="F#">
    /// durable {
    ///     do! Durable.write 64L record      // the data
    ///     do! Durable.barrier               // is durable before
    ///     do! Durable.writeInt64 0L 64L     // the pointer that publishes it
    /// }
    /// </code></example>
    val barrier: Durable<unit>

    // Reads (they see the mapping's bytes with the plan's own earlier writes applied)

    /// Reads <paramref name="length"/> bytes at <paramref name="offset"/>.
    val read: offset: int64 -> length: int -> Durable<byte array>

    /// Reads one byte.
    val readByte: offset: int64 -> Durable<byte>

    /// Reads a 4-byte little-endian integer.
    val readInt32: offset: int64 -> Durable<int32>

    /// Reads a 4-byte little-endian unsigned integer.
    val readUInt32: offset: int64 -> Durable<uint32>

    /// Reads an 8-byte little-endian integer.
    val readInt64: offset: int64 -> Durable<int64>

    /// Reads an 8-byte little-endian unsigned integer.
    val readUInt64: offset: int64 -> Durable<uint64>

    // Commit

    /// <summary>
    /// Runs <paramref name="plan"/> against <paramref name="target"/> (a PmemMapping, or a simulated device) and makes
    /// every write it made durable with one drain: <c>Durable.commitWith CommitOptions.defaults</c>.
    /// </summary>
    /// <remarks>
    /// <para>First the plan runs with nothing stored: its writes are recorded, its reads see the target with the
    /// plan's earlier writes applied, and every range is checked. A range outside the target returns
    /// <c>OutOfRange</c> and leaves it byte-for-byte unchanged; so does an exception raised by the plan's
    /// own code, which propagates.</para>
    /// <para>Then the writes are stored in program order, group by group (barriers separate groups). On pmem each
    /// cache line a group touched is flushed exactly once (adjacent lines in one call) and each group ends with one
    /// drain, so a plan without barriers costs exactly one drain (none if it writes nothing); on other mappings each run of touched pages is
    /// msync'd once per group instead. When the result is <c>Ok</c> every write is durable.</para>
    /// <para>Not atomic across a crash: a power failure during the commit may leave any subset of a group's lines
    /// persisted (barriers order groups); <c>commitAtomic</c> is all-or-nothing. Returns <c>Disposed</c> when the
    /// mapping was disposed before the commit began, for every plan (the mapping is held for the whole commit: a
    /// later Dispose waits for its end), and <c>Io</c> when msync fails (writes stored before it stay in the mapping, not
    /// necessarily durable). Concurrent commits to overlapping ranges of one mapping must be serialized by the
    /// caller.</para>
    /// <para>On a <c>Pmem.Simulation.PmemSimulator</c> the commit issues exactly the stores, line flushes and drains it
    /// issues on a pmem mapping, and the simulator records them (see <c>Durable.simulate</c>).</para>
    /// </remarks>
    /// <example><code lang="F#">
    /// durable {
    ///     let! count = Durable.readInt64 0L
    ///     do! Durable.writeInt64 (8L + 8L * count) 42L
    ///     do! Durable.barrier
    ///     do! Durable.writeInt64 0L (count + 1L)
    ///     return count + 1L
    /// }
    /// |> Durable.commit mapping     // Ok 1L on a fresh file
    /// </code></example>
    val inline commit: target: IPmemTarget -> plan: Durable<'T> -> Result<'T, PmemError>

    /// As <c>commit</c>, with explicit options (store hint, final drain).
    val inline commitWith: options: CommitOptions -> target: IPmemTarget -> plan: Durable<'T> -> Result<'T, PmemError>

    /// <summary>
    /// Commits the block that follows to <paramref name="target"/> where it is written:
    /// <c>Durable.committing target { … }</c> is <c>Durable.commit target (durable { … })</c> (same steps, same
    /// guarantees, same answer: <c>Ok</c> means everything the block wrote is durable), without making the block a plan
    /// value first.
    /// </summary>
    /// <remarks>
    /// A <c>durable { }</c> block is a plan: a value that holds the block's code and what it captures, one small
    /// allocation each time it is built. A committing block is compiled into its caller's code, so the commit
    /// allocates nothing (the hot path of a log or an index: a commit per operation); what the block's own code
    /// allocates it still does (<c>for k in a .. b</c> makes a range and its enumerator, <c>Durable.writeSpan</c> copies
    /// its bytes, <c>Durable.read</c> returns a new array). Use <c>durable { }</c> when a plan is kept, composed,
    /// rendered, simulated or committed atomically.
    /// </remarks>
    /// <example><code lang="F#">
    /// let append (log: PmemMapping) (tail: int64) (record: byte array) =
    ///     Durable.committing log {
    ///         do! Durable.write (64L + tail) record
    ///         do! Durable.barrier
    ///         do! Durable.writeInt64 0L (tail + int64 record.Length)
    ///     }                                  // Result&lt;unit, PmemError&gt;
    /// </code></example>
    val inline committing: target: IPmemTarget -> DurableCommitBuilder

    /// As <c>committing</c>, with explicit options (store hint, final drain).
    val inline committingWith: options: CommitOptions -> target: IPmemTarget -> DurableCommitBuilder

    /// <summary>
    /// Runs <paramref name="plan"/> against <paramref name="target"/> and makes all of its writes durable atomically:
    /// after a crash at any moment, and <c>Durable.recover</c>, the target holds every write of the plan or none.
    /// The redo log lives in the last 64 KiB of the target (<c>RedoLogRegion.AtEnd target.Length</c>):
    /// <c>commitAtomicWith</c> with that region.
    /// </summary>
    /// <remarks>
    /// <para>The plan sees the target without its log region: reads and writes must lie in
    /// <c>[0, region.Offset)</c>, anything else is <c>OutOfRange</c> (capacity <c>region.Offset</c>) and nothing is
    /// written. Barriers change nothing (the whole plan is one atomic group).</para>
    /// <para>The writes are copied into the log and made durable, the log is marked committed with one atomic 8-byte
    /// store, then the writes are applied and made durable, and the mark is cleared. When the result is <c>Ok</c>
    /// every write is durable. A crash before the mark is durable leaves the old state; after it,
    /// <c>Durable.recover</c> applies the log again. Costs: the bytes written twice, four drains.</para>
    /// <para>The answer is the truth about the commit: <c>Ok</c> means committed — durable when it returns, or, when
    /// an msync failed after the commit mark was durable, durable in the log and finished by the next
    /// <c>recover</c>; <c>Error</c> means nothing was committed (the target holds its old bytes, and <c>recover</c>
    /// finds nothing to complete), with one exception that says so: <c>RedoLog (CommitUndecided, _)</c>, when making
    /// the commit mark durable failed and taking it back failed too, so the media may hold either state (the mapped
    /// data holds the old one; <c>recover</c> after a restart completes or discards the transaction, whichever the
    /// media holds). The mapping is held for the whole atomic commit, so a <c>Dispose</c> on another
    /// thread (or in the plan) cannot interrupt it between the log, the mark and the apply: the unmap waits for its
    /// end.</para>
    /// <para>Errors, nothing written: <c>Disposed</c> when the mapping was disposed before the commit began (for
    /// every plan, also one that neither reads nor writes); <c>RedoLog (RegionTooSmall, _)</c> when the target is
    /// smaller than the log region or the plan's writes (16 bytes each plus their bytes, rounded to 8) do not fit in
    /// it; <c>RedoLog (RecoveryNeeded, _)</c> when a committed transaction was never applied (call <c>recover</c> at
    /// start-up); <c>RedoLog (BadMagic, _)</c> when the region holds something other than zeros or a log;
    /// <c>OutOfRange</c>; <c>Io</c> when an msync failed before the commit mark was durable (a mark whose msync
    /// failed is taken back, durably, first). An exception raised by
    /// the plan's own code propagates, as from <c>commit</c>, and nothing is written. Atomic commits to one target
    /// must be serialized by the caller.</para>
    /// </remarks>
    /// <example><code lang="F#">
    /// use mapping = "accounts.pmem" |> Mapping.mapFile (MapOptions.create (1L &lt;&lt;&lt; 20))
    ///
    /// match Durable.recover mapping with            // at start-up: finish or discard an interrupted commit
    /// | Error e -> failwith (PmemError.describe e)
    /// | Ok _ -> ()
    ///
    /// durable {
    ///     let! a = Durable.readInt64 0L
    ///     let! b = Durable.readInt64 8L
    ///     do! Durable.writeInt64 0L (a - 10L)
    ///     do! Durable.writeInt64 8L (b + 10L)        // both or neither, whatever happens
    /// }
    /// |> Durable.commitAtomic mapping
    /// </code></example>
    val commitAtomic: target: IPmemTarget -> plan: Durable<'T> -> Result<'T, PmemError>

    /// As <c>commitAtomic</c>, with the redo log in <paramref name="region"/>; the plan may use the bytes before it
    /// (place the region at the end: <c>RedoLogRegion.AtEnd(length, logBytes)</c>). Pass the same region to
    /// <c>recoverWith</c>.
    val commitAtomicWith:
        region: RedoLogRegion -> target: IPmemTarget -> plan: Durable<'T> -> Result<'T, PmemError>

    /// <summary>
    /// Finishes or discards a <c>commitAtomic</c> that a crash interrupted, using the redo log in the last 64 KiB of
    /// <paramref name="target"/>; call it at start-up, before reading the data. Durable on return.
    /// </summary>
    /// <remarks>
    /// Returns what it found: <c>NoLog</c> (the region is all zeros: no atomic commit ever ran), <c>Clean</c> (no
    /// committed transaction was pending; an unfinished one was discarded, so the data holds the state before it),
    /// or <c>Completed</c> (a committed transaction was applied again and made durable). Running it again, or after
    /// a crash during it, gives the same data. A corrupt log (bad magic, version, commit mark, length, checksum, or
    /// an entry that is truncated or points outside the data) returns <c>RedoLog (reason, message)</c> and applies
    /// nothing.
    /// </remarks>
    val recover: target: IPmemTarget -> Result<RedoLogRecovery, PmemError>

    /// As <c>recover</c>, for the redo log in <paramref name="region"/>.
    val recoverWith: region: RedoLogRegion -> target: IPmemTarget -> Result<RedoLogRecovery, PmemError>

    // Simulation

    /// <summary>
    /// Commits <paramref name="plan"/> (as <c>Durable.commit</c> does) on a simulated persistent-memory device that
    /// starts with the bytes of <paramref name="initial"/>, and returns the result with the device, which recorded
    /// every store, flush and fence: use it to list the images a power failure could leave at any point of the commit
    /// (<c>run.Simulator.CrashImages()</c>), or give it to a crash property (Pmem.Hedgehog's CrashProperty).
    /// Nothing is persistent for real.
    /// </summary>
    /// <example><code lang="F#">
    /// let run = Durable.simulate (Array.zeroCreate 4096) (append [ "alpha" ])
    ///
    /// for crash in run.Simulator.CrashImages(CrashEngine.Full) do
    ///     if readLog crash.Image = None then
    ///         failwith (Crash.describe run.Simulator crash)
    /// </code></example>
    val simulate: initial: byte array -> plan: Durable<'T> -> SimulatedRun<'T>

    /// As <c>simulate</c>, with explicit commit options.
    val simulateWith: options: CommitOptions -> initial: byte array -> plan: Durable<'T> -> SimulatedRun<'T>

    /// <summary>
    /// Shows, without touching any mapping, the steps <paramref name="plan"/> records (writes with their ranges and
    /// first bytes, fills, barriers, reads), its value, and the stores, flushes and drains a commit would issue.
    /// </summary>
    /// <remarks>
    /// There is no mapping, so reads see zeros with the plan's own earlier writes applied, ranges have no end to be
    /// checked against (negative offsets are still reported), and flushes are shown as on a pmem mapping; a plan whose values depend on what it reads may therefore render
    /// differently from how it commits. Use <c>renderOn</c> to render against a mapping.
    /// </remarks>
    val render: plan: Durable<'T> -> string

    /// As <c>render</c>, reading <paramref name="target"/>'s bytes (a mapping or a simulated device), checking ranges
    /// against its length and showing flushes or msyncs as a commit on it would issue them. Nothing is written. For a
    /// disposed mapping the text says so (PmemError.describe Disposed).
    val renderOn: target: IPmemTarget -> plan: Durable<'T> -> string

    // Internals for the builder, the instrumented tests and other executors of plans.

    /// Runs the plan into <paramref name="journal"/> and returns its value (no error handling: see evaluate).
    val internal runIn: journal: Journal -> plan: Durable<'T> -> 'T

    /// Runs the plan into <paramref name="journal"/> (already Reset): its value, or why it stopped.
    val internal evaluate: journal: Journal -> plan: Durable<'T> -> Result<'T, PmemError>

    /// Commits against any commit target (claimed, phase 1 into a journal, then the target's Apply).
    val internal commitOn: target: ICommitTarget -> options: CommitOptions -> plan: Durable<'T> -> Result<'T, PmemError>

    /// An instrumented commit on a mapping: the result, and every call the commit made on the mapping.
    val internal commitRecorded:
        options: CommitOptions -> mapping: PmemMapping -> plan: Durable<'T> -> Result<'T, PmemError> * TargetEvent list

    val internal combine: first: Durable<unit> -> second: (unit -> Durable<'T>) -> Durable<'T>
    val internal whileDo: guard: (unit -> bool) -> body: (unit -> Durable<unit>) -> Durable<unit>
    val internal tryFinally: compensation: (unit -> unit) -> body: (unit -> Durable<'T>) -> Durable<'T>
    val internal using: binder: ('R -> Durable<'T>) -> resource: 'R -> Durable<'T> when 'R :> IDisposable
