namespace Pmem.FSharp

open System

/// <summary>
/// The memory a commit makes durable: the seam between the commit algorithm and a device.
/// </summary>
/// <remarks>
/// A commit runs in two phases. Phase 1 evaluates the plan into a Journal (no effect: writes are recorded; reads go
/// to <c>Read</c> and then see the plan's own earlier writes on top); every range is checked against <c>Length</c>
/// there, so phase 2 only receives ranges inside <c>[0, Length)</c>. Phase 2 (CommitApply.apply) walks the journal
/// in program order and calls, per barrier group: <c>StoreScalar</c>, <c>Store</c> or <c>Fill</c> for each write,
/// then either <c>FlushLines</c> once per merged run of touched 64-byte lines followed by one <c>Drain</c>
/// (<c>FlushesLines = true</c>), or <c>Msync</c> once per merged run of touched pages (<c>FlushesLines = false</c>).
///
/// MappingTarget implements this for a real PmemMapping; CountingTarget wraps any target to count calls (the
/// instrumentation tests use); DryRunTarget records what a commit would do for Durable.render. A simulated
/// persistent-memory device (crash-state enumeration) plugs in here too: it sees every store with its offset and
/// bytes, every line flush and every fence in the order a real commit issues them, which is pmemcheck's model
/// (a store is dirty until its line is flushed, flushed until the next fence, then persisted; non-temporal stores
/// are flushed when issued).
///
/// Invariants the commit keeps (implementations may assert them): offsets and lengths are in range;
/// <c>nonTemporal = true</c> only for whole, 64-byte-aligned lines, which the commit never flushes (they need only
/// the drain); a store of 1, 2, 4 or 8 bytes is a scalar the target should write with one store of that width
/// (so an aligned 8-byte write is one atomic store).
/// </remarks>
type internal IDurableTarget =
    /// Addressable bytes: offsets <c>[0, Length)</c>.
    abstract Length: int64

    /// true: durability comes from flushing cache lines and draining (pmem); false: from msync of whole pages.
    abstract FlushesLines: bool

    /// The msync granularity in bytes (a power of two).
    abstract PageSize: int64

    /// Under StoreHint.Auto, writes of at least this many bytes store their whole lines non-temporally
    /// (Int64.MaxValue: never).
    abstract NonTemporalThreshold: int64

    /// Loads <c>[offset, offset + destination.Length)</c> as a CPU load would see it now (phase 1).
    abstract Read: offset: int64 * destination: Span<byte> -> unit

    /// Stores <paramref name="source"/> at <paramref name="offset"/>.
    abstract Store: offset: int64 * source: ReadOnlySpan<byte> * nonTemporal: bool -> unit

    /// Stores the low <paramref name="size"/> bytes (1, 2, 4 or 8) of <paramref name="value"/>, little-endian, at
    /// <paramref name="offset"/> with one ordinary store of that width (a Scalar step: no bytes to go through).
    abstract StoreScalar: offset: int64 * size: int * value: int64 -> unit

    /// Stores <paramref name="length"/> copies of <paramref name="value"/> at <paramref name="offset"/>.
    abstract Fill: offset: int64 * length: int64 * value: byte * nonTemporal: bool -> unit

    /// Flushes lines <c>[firstLine, firstLine + lineCount)</c> (line n covers bytes <c>[64n, 64n + 64)</c>).
    abstract FlushLines: firstLine: int64 * lineCount: int64 -> unit

    /// Waits until every earlier flush and non-temporal store has reached persistence (SFENCE).
    abstract Drain: unit -> unit

    /// msync of <c>[offset, offset + length)</c>, both multiples of PageSize (clipped to Length at the end).
    abstract Msync: offset: int64 * length: int64 -> unit

/// Constants of the commit's line arithmetic.
module internal DurableLine =
    /// Bytes per cache line: the flush granularity on x86-64.
    [<Literal>]
    let Size = 64L

    /// log2 of Size.
    [<Literal>]
    let Shift = 6
