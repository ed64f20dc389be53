// Pointer arithmetic over the mapping: every access lies inside [0, Length), checked in phase 1 of the commit.
#nowarn "9"

namespace Pmem.FSharp

open System
open System.Buffers.Binary
open System.Diagnostics
open System.Runtime.CompilerServices
open Microsoft.FSharp.NativeInterop
open global.Pmem

/// <summary>The real target: a PmemMapping held open for the length of one commit.</summary>
/// <remarks>
/// <c>Attach</c> claims the mapping for the calling thread (PmemMapping.Enter: throws ObjectDisposedException if it
/// was disposed), so a concurrent Dispose waits until <c>Detach</c>; the persistence configuration (flush stub, fences, NT threshold) is
/// read once at <c>Attach</c>. Instances are reused (one per thread, see CommitScratch): no allocation per commit.
/// </remarks>
[<Sealed>]
type internal MappingTarget() =
    let mutable mapping: PmemMapping | null = null
    let mutable baseAddress = 0n
    let mutable config: PersistenceConfig | null = null
    let mutable length = 0L
    let mutable isPmem = false

    [<MethodImpl(MethodImplOptions.AggressiveInlining)>]
    let at (offset: int64) : nativeptr<byte> =
        Debug.Assert(offset >= 0L && offset <= length, "offsets were checked in phase 1")
        NativePtr.ofNativeInt (baseAddress + nativeint offset)

    let configuration () =
        match config with
        | null -> raise (InvalidOperationException "MappingTarget used while detached.")
        | c -> c

    /// Claims the mapping; throws ObjectDisposedException when it was disposed.
    member _.Attach(target: PmemMapping) =
        Debug.Assert(isNull mapping, "a MappingTarget serves one commit at a time")
        // Enter refuses a mapping whose Dispose has started, even while other threads still operate on it.
        let p = target.Enter(0L, 0L)
        mapping <- target
        baseAddress <- NativePtr.toNativeInt p
        config <- PersistenceConfig.Current
        length <- target.Length
        isPmem <- target.IsPmem

    /// Ends the claim taken by Attach (no-op when detached).
    member _.Detach() =
        match mapping with
        | null -> ()
        | m ->
            mapping <- null
            baseAddress <- 0n
            config <- null
            m.Exit()

    interface IDurableTarget with
        member _.Length = length
        member _.FlushesLines = isPmem
        member _.PageSize = int64 PageFlush.PageSize

        member _.NonTemporalThreshold =
            let c = configuration ()
            // With eADR (or PMEM_NO_FLUSH=1) libpmem keeps ordinary stores unless non-temporal ones are asked for.
            if c.FlushesCaches then int64 c.NtThreshold else Int64.MaxValue

        member _.Read(offset, destination) =
            ReadOnlySpan<byte>(NativePtr.toVoidPtr (at offset), destination.Length).CopyTo destination

        member _.Store(offset, source, nonTemporal) =
            let p = at offset

            if nonTemporal then
                Debug.Assert(offset % DurableLine.Size = 0L && int64 source.Length % DurableLine.Size = 0L, "whole lines")
                use s = fixed source
                PersistentMemory.Memcpy(
                    NativePtr.toVoidPtr p,
                    NativePtr.toVoidPtr s,
                    unativeint source.Length,
                    PmemCopyFlags.NonTemporal ||| PmemCopyFlags.NoDrain
                )
                |> ignore
            else
                // Scalars get one store of their width, so an aligned 8-byte write is a single atomic store.
                match source.Length with
                | 8 -> Unsafe.WriteUnaligned(NativePtr.toVoidPtr p, BinaryPrimitives.ReadUInt64LittleEndian source)
                | 4 -> Unsafe.WriteUnaligned(NativePtr.toVoidPtr p, BinaryPrimitives.ReadUInt32LittleEndian source)
                | 2 -> Unsafe.WriteUnaligned(NativePtr.toVoidPtr p, BinaryPrimitives.ReadUInt16LittleEndian source)
                | 1 -> NativePtr.write p source[0]
                | n -> source.CopyTo(Span<byte>(NativePtr.toVoidPtr p, n))

        [<MethodImpl(MethodImplOptions.AggressiveInlining)>]
        member _.StoreScalar(offset, size, value) =
            // One store of the scalar's width (BinaryPrimitives over a span of that width is a single mov).
            let p = NativePtr.toVoidPtr (at offset)

            match size with
            | 8 -> BinaryPrimitives.WriteInt64LittleEndian(Span<byte>(p, 8), value)
            | 4 -> BinaryPrimitives.WriteInt32LittleEndian(Span<byte>(p, 4), int32 value)
            | 2 -> BinaryPrimitives.WriteInt16LittleEndian(Span<byte>(p, 2), int16 value)
            | _ ->
                Debug.Assert((size = 1), "scalar width")
                NativePtr.write (NativePtr.ofVoidPtr<byte> p) (byte value)

        member _.Fill(offset, count, value, nonTemporal) =
            let p = at offset

            if nonTemporal then
                Debug.Assert(offset % DurableLine.Size = 0L && count % DurableLine.Size = 0L, "whole lines")
                PersistentMemory.Memset(
                    NativePtr.toVoidPtr p,
                    value,
                    unativeint count,
                    PmemCopyFlags.NonTemporal ||| PmemCopyFlags.NoDrain
                )
                |> ignore
            else
                let mutable done' = 0L

                while done' < count do
                    let chunk = int (min (count - done') (int64 Int32.MaxValue))
                    Span<byte>(NativePtr.toVoidPtr (at (offset + done')), chunk).Fill value
                    done' <- done' + int64 chunk

        member _.FlushLines(firstLine, lineCount) =
            Persistence.Flush(
                configuration (),
                at (firstLine <<< DurableLine.Shift),
                unativeint (lineCount <<< DurableLine.Shift)
            )

        member _.Drain() = Persistence.Drain(configuration ())

        member _.Msync(offset, count) =
            PageFlush.Sync(NativePtr.toVoidPtr (at offset), unativeint count)
