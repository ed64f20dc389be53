namespace Pmem.FSharp

open System
open System.Buffers.Binary
open global.Pmem

/// <summary>
/// The commit's target over any <see cref="IPmemTarget"/> other than a PmemMapping (which has the faster
/// MappingTarget): above all the simulated device, <c>Pmem.Simulation.PmemSimulator</c>, which then records every
/// store, line flush and fence in exactly the order a real commit issues them.
/// </summary>
/// <remarks>
/// Calls map one to one: an ordinary store is <c>Copy(…, NoFlush)</c> (one store, not flushed: the commit flushes its
/// lines later), a non-temporal store <c>Copy(…, NonTemporal ||| NoDrain)</c>, a line flush <c>Flush</c>, the drain
/// <c>Drain</c>. A 1-, 2-, 4- or 8-byte write reaches the target as one store of that many bytes, so the simulator
/// treats an aligned 8-byte write as atomic, as the hardware does. On a target that is not pmem the msync the commit
/// asks for is the target's <c>Flush</c> (which msyncs there). <paramref name="capacity"/> limits what the plan may
/// address (an atomic commit hides its log region at the end this way).
/// </remarks>
[<Sealed>]
type internal PmemTargetAdapter(target: IPmemTarget, capacity: int64) =
    /// The largest fill stored with one Copy (a multiple of 64, so non-temporal chunks stay whole lines).
    static let fillChunk = 1048576L

    /// The bytes of the scalar StoreScalar stores.
    let scalar = Array.zeroCreate<byte> 8

    new(target: IPmemTarget) = PmemTargetAdapter(target, target.Length)

    interface IDurableTarget with
        member _.Length = capacity
        member _.FlushesLines = target.IsPmem
        member _.PageSize = int64 PageFlush.PageSize

        member _.NonTemporalThreshold =
            let c = PersistenceConfig.Current
            if c.FlushesCaches then int64 c.NtThreshold else Int64.MaxValue

        member _.Read(offset, destination) = target.Read(offset, destination)

        member _.Store(offset, source, nonTemporal) =
            let flags =
                if nonTemporal then
                    PmemCopyFlags.NonTemporal ||| PmemCopyFlags.NoDrain
                else
                    PmemCopyFlags.NoFlush

            target.Copy(offset, source, flags)

        member _.StoreScalar(offset, size, value) =
            // One Copy of the scalar's bytes: the simulator sees one store of that width.
            BinaryPrimitives.WriteInt64LittleEndian(Span scalar, value)
            target.Copy(offset, ReadOnlySpan(scalar, 0, size), PmemCopyFlags.NoFlush)

        member _.Fill(offset, length, value, nonTemporal) =
            let flags =
                if nonTemporal then
                    PmemCopyFlags.NonTemporal ||| PmemCopyFlags.NoDrain
                else
                    PmemCopyFlags.NoFlush

            // One store when it fits in a chunk (always, on a simulator); whole-line chunks otherwise.
            let chunk = int (min length fillChunk)
            let bytes = Array.create chunk value
            let mutable at = 0L

            while at < length do
                let n = int (min (length - at) (int64 chunk))
                target.Copy(offset + at, ReadOnlySpan(bytes, 0, n), flags)
                at <- at + int64 n

        member _.FlushLines(firstLine, lineCount) =
            target.Flush(firstLine <<< DurableLine.Shift, lineCount <<< DurableLine.Shift)

        member _.Drain() = target.Drain()
        member _.Msync(offset, length) = target.Flush(offset, length)
