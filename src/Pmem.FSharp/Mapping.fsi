namespace Pmem.FSharp

open System
open Pmem

/// Persistent-memory operations on a PmemMapping as functions, subject last for pipelines
/// (<c>mapping |> Mapping.persist 0L 64L</c>). Each function that can fail has a <c>try…</c> variant returning
/// <c>Result&lt;_, PmemError&gt;</c>; the plain variant throws what the core throws (PmemException for system
/// errors, ArgumentOutOfRangeException for a range outside the mapping, ObjectDisposedException after Dispose).
/// To make many writes durable with one drain, build a <c>durable { }</c> plan and use <c>Durable.commit</c>.
[<RequireQualifiedAccess>]
module Mapping =
    /// Maps <paramref name="path"/> as libpmem's pmem_map_file does (see PmemFile.Map). Nothing is made durable; on
    /// failure nothing is left behind (a file the call created is removed, an existing file keeps its size).
    /// <example><code lang="F#">
    /// match "log.pmem" |> Mapping.tryMapFile (MapOptions.openOrCreate 4096L) with
    /// | Ok mapping -> use _ = mapping in printfn "%s" (if Mapping.isPmem mapping then "pmem" else "msync")
    /// | Error e -> eprintfn "%s" (PmemError.describe e)
    /// </code></example>
    val tryMapFile: options: MapOptions -> path: string -> Result<PmemMapping, PmemError>

    /// As <c>tryMapFile</c>, throwing the core's PmemException (with its errno and path) on failure.
    /// With options that use libpmem2's model (<c>options.UsesSource</c>: an offset, <c>readOnly</c>, <c>privateCopy</c>,
    /// <c>requireGranularity</c>) the path is mapped as <c>PmemSource.FromPath</c>: never created or resized (options
    /// that carry a source of their own are refused: use <c>map</c>).
    val mapFile: options: MapOptions -> path: string -> PmemMapping

    /// libpmem2's pmem2_map_new: maps <c>options.Source</c> (<c>MapOptions.ofHandle</c>, <c>MapOptions.anonymous</c>,
    /// <c>MapOptions.ofSource</c>) at <c>options.Offset</c> for <c>options.Length</c> bytes (0 = to the end) with its
    /// protection, sharing and required granularity. Nothing is made durable; on failure nothing is mapped and the
    /// file is unchanged. Refusals are <c>PmemError.Map</c> (a closed handle: <c>InvalidFileHandle</c>), options
    /// without a source or with PmemFileFlags are <c>InvalidArgument</c>.
    /// <example><code lang="F#">
    /// match MapOptions.anonymous 65536L |> Mapping.tryMap with
    /// | Ok scratch -> use _ = scratch in printfn "%A" scratch.Granularity
    /// | Error e -> eprintfn "%s" (PmemError.describe e)
    /// </code></example>
    val tryMap: options: MapOptions -> Result<PmemMapping, PmemError>

    /// As <c>tryMap</c>, throwing the core's exception (PmemMapException for a refusal, ObjectDisposedException for a
    /// closed handle, ArgumentException for options without a source).
    val map: options: MapOptions -> PmemMapping

    /// True when stores to the mapping become durable by CPU flush and drain alone (MAP_SYNC, device DAX, or
    /// <c>PMEM_IS_PMEM_FORCE=1</c>); false when Pmem persists it with msync.
    val isPmem: mapping: PmemMapping -> bool

    /// What Pmem chose on this machine (flush instruction, fence, copy path, thresholds) and why; its
    /// <c>ToString()</c> is a readable report.
    val capabilities: unit -> PmemCapabilities

    /// Makes <c>[offset, offset + length)</c> durable before returning: flush and drain on pmem, msync otherwise.
    /// Not atomic: a crash during the call may leave any subset of the range's cache lines persisted.
    val persist: offset: int64 -> length: int64 -> mapping: PmemMapping -> unit

    /// As <c>persist</c>, returning <c>OutOfRange</c>, <c>Disposed</c> or the msync failure instead of throwing.
    val tryPersist: offset: int64 -> length: int64 -> mapping: PmemMapping -> Result<unit, PmemError>

    /// Starts making <c>[offset, offset + length)</c> durable: on pmem its cache lines are flushed and are durable
    /// after the next <c>drain</c>; otherwise its pages are msync'd and durable on return.
    val flush: offset: int64 -> length: int64 -> mapping: PmemMapping -> unit

    /// As <c>flush</c>, returning an error instead of throwing.
    val tryFlush: offset: int64 -> length: int64 -> mapping: PmemMapping -> Result<unit, PmemError>

    /// Waits for earlier flushes and no-drain copies to reach persistence: after it returns they are durable.
    /// Does nothing on a non-pmem mapping (its flushes are already synchronous).
    val drain: mapping: PmemMapping -> unit

    /// As <c>drain</c>, returning <c>Disposed</c> instead of throwing.
    val tryDrain: mapping: PmemMapping -> Result<unit, PmemError>

    /// msync(MS_SYNC) of the pages that hold <c>[offset, offset + length)</c>, pmem or not: durable on return.
    val msync: offset: int64 -> length: int64 -> mapping: PmemMapping -> unit

    /// As <c>msync</c>, returning an error instead of throwing.
    val tryMsync: offset: int64 -> length: int64 -> mapping: PmemMapping -> Result<unit, PmemError>

    /// libpmem's pmem_deep_persist: makes <c>[offset, offset + length)</c> durable in the most reliable domain before
    /// returning (flushes even with eADR, then the region's write-pending-queue flush on device DAX; msync otherwise).
    val deepPersist: offset: int64 -> length: int64 -> mapping: PmemMapping -> unit

    /// As <c>deepPersist</c>, returning an error instead of throwing.
    val tryDeepPersist: offset: int64 -> length: int64 -> mapping: PmemMapping -> Result<unit, PmemError>

    // Copy, move and fill take their arguments in the C# methods' order (Copy(offset, source), Move(destOffset,
    // srcOffset, length), Fill(offset, value, length)); the ...With forms take libpmem's PMEM_F_MEM_* flags first.
    // Durable on return without flags; with NoDrain after the next drain; with NoFlush not made durable at all.
    // Undefined flag bits throw ArgumentException (the try... forms return InvalidArgument).

    /// Copies <paramref name="source"/> to <paramref name="offset"/>; durable on return (non-temporal stores
    /// for large copies, then flush and drain on pmem; msync otherwise).
    val copy: offset: int64 -> source: byte array -> mapping: PmemMapping -> unit

    /// As <c>copy</c> with libpmem's PMEM_F_MEM_* flags: with <c>NoDrain</c> durable after the next <c>drain</c>,
    /// with <c>NoFlush</c> not made durable at all.
    val copyWith: flags: PmemCopyFlags -> offset: int64 -> source: byte array -> mapping: PmemMapping -> unit

    /// As <c>copyWith</c>, from a slice of a buffer (<c>ReadOnlyMemory</c>) instead of a whole array.
    val copyMemory: flags: PmemCopyFlags -> offset: int64 -> source: ReadOnlyMemory<byte> -> mapping: PmemMapping -> unit

    /// As <c>copy</c>, returning an error instead of throwing.
    val tryCopy: offset: int64 -> source: byte array -> mapping: PmemMapping -> Result<unit, PmemError>

    /// As <c>copyWith</c>, returning an error instead of throwing.
    val tryCopyWith:
        flags: PmemCopyFlags -> offset: int64 -> source: byte array -> mapping: PmemMapping -> Result<unit, PmemError>

    /// As <c>copyMemory</c>, returning an error instead of throwing.
    val tryCopyMemory:
        flags: PmemCopyFlags ->
        offset: int64 ->
        source: ReadOnlyMemory<byte> ->
        mapping: PmemMapping ->
            Result<unit, PmemError>

    /// libpmem's pmem_memmove_persist: moves <paramref name="length"/> bytes from <paramref name="srcOffset"/> to
    /// <paramref name="destOffset"/> (the ranges may overlap); durable on return.
    val move: destOffset: int64 -> srcOffset: int64 -> length: int64 -> mapping: PmemMapping -> unit

    /// As <c>move</c> with libpmem's PMEM_F_MEM_* flags.
    val moveWith:
        flags: PmemCopyFlags -> destOffset: int64 -> srcOffset: int64 -> length: int64 -> mapping: PmemMapping -> unit

    /// As <c>move</c>, returning an error (<c>OutOfRange</c> for either range) instead of throwing.
    val tryMove: destOffset: int64 -> srcOffset: int64 -> length: int64 -> mapping: PmemMapping -> Result<unit, PmemError>

    /// As <c>moveWith</c>, returning an error instead of throwing.
    val tryMoveWith:
        flags: PmemCopyFlags ->
        destOffset: int64 ->
        srcOffset: int64 ->
        length: int64 ->
        mapping: PmemMapping ->
            Result<unit, PmemError>

    /// Fills <paramref name="length"/> bytes at <paramref name="offset"/> with <paramref name="value"/>; durable
    /// on return (the C# order: <c>mapping.Fill(offset, value, length)</c>).
    val fill: offset: int64 -> value: byte -> length: int64 -> mapping: PmemMapping -> unit

    /// As <c>fill</c> with libpmem's PMEM_F_MEM_* flags.
    val fillWith: flags: PmemCopyFlags -> offset: int64 -> value: byte -> length: int64 -> mapping: PmemMapping -> unit

    /// As <c>fill</c>, returning an error instead of throwing.
    val tryFill: offset: int64 -> value: byte -> length: int64 -> mapping: PmemMapping -> Result<unit, PmemError>

    /// As <c>fillWith</c>, returning an error instead of throwing.
    val tryFillWith:
        flags: PmemCopyFlags -> offset: int64 -> value: byte -> length: int64 -> mapping: PmemMapping -> Result<unit, PmemError>

    /// Copies <paramref name="length"/> bytes at <paramref name="offset"/> out of the mapping (plain loads; nothing
    /// is made durable). A length over <c>Array.MaxLength</c> throws ArgumentOutOfRangeException.
    val read: offset: int64 -> length: int64 -> mapping: PmemMapping -> byte array

    /// As <c>read</c>, returning an error instead of throwing.
    val tryRead: offset: int64 -> length: int64 -> mapping: PmemMapping -> Result<byte array, PmemError>
