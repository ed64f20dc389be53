using System;
using System.Buffers.Binary;
using System.Diagnostics;
using System.Runtime.CompilerServices;

namespace Pmem;

/// <summary>
/// The mapping as a commit target (<see cref="IPmemTarget"/>, <see cref="ICommitTarget"/>): one claim for the whole
/// commit, then unchecked stores inside it. It lives in Commit/ because the seam adapts the mapping, not the other way.
/// </summary>
public sealed unsafe partial class PmemMapping : IPmemTarget, ICommitTarget
{
    ICommitTarget IPmemTarget.CommitTarget => this;

    bool ICommitTarget.TryBegin(MappingUse thread) => TryClaim(thread, out _);

    nint ICommitTarget.PrefetchBase => (nint)_address;

    void ICommitTarget.End(MappingUse thread) => Exit(thread);

    IPmemTarget ICommitTarget.Claimed => new ClaimedView(this);

    PmemException? ICommitTarget.Apply(CommitWork work)
    {
        // The short paths store into pmem only, where nothing raises a PmemException.
        if (_shape.Protection == PmemProtection.ReadWrite && _reservation is null)
        {
            // A local of its own that no call sees (TryApplyOne is inlined): kept in registers. One whose address
            // a call takes lives in memory, three stores on every path.
            var one = new MappingStores(this, ResolvedConfig.Current);
            if (CommitApply.TryApplyOne(ref one, IsPmem, work))
            {
                return null;
            }

            return ApplyTemporalOrGeneral(work);
        }

        return ApplyGeneral(work);
    }

    void ICommitTarget.ApplyOnlyWrite(CommitWork work, long offset, byte[] bytes, int start, int length)
    {
        if (AppliesAtOnce(work))
        {
            var one = new MappingStores(this, ResolvedConfig.Current);
            CommitApply.ApplyOnlyWrite(ref one, work, offset, new ReadOnlySpan<byte>(bytes, start, length));
        }
        else
        {
            work.AppendWrite(offset, new ReadOnlyMemory<byte>(bytes, start, length));
        }
    }

    void ICommitTarget.ApplyOnlyMemory(CommitWork work, long offset, ReadOnlyMemory<byte> memory)
    {
        if (AppliesAtOnce(work))
        {
            var one = new MappingStores(this, ResolvedConfig.Current);
            CommitApply.ApplyOnlyWrite(ref one, work, offset, memory.Span);
        }
        else
        {
            work.AppendWrite(offset, memory);
        }
    }

    void ICommitTarget.ApplyOnlyFill(CommitWork work, long offset, long length, byte value)
    {
        if (AppliesAtOnce(work))
        {
            var one = new MappingStores(this, ResolvedConfig.Current);
            CommitApply.ApplyOnlyFill(ref one, work, offset, length, value);
        }
        else
        {
            work.Append(CommitStepKind.Fill, offset, length, value, true);
        }
    }

    void ICommitTarget.ApplyOnlyScalar(CommitWork work, long offset, int size, long value)
    {
        if (AppliesAtOnce(work))
        {
            var one = new MappingStores(this, ResolvedConfig.Current);
            CommitApply.ApplyOnlyScalar(ref one, work, offset, size, value);
        }
        else
        {
            work.Append(CommitStepKind.Scalar, offset, size, value, true);
        }
    }

    /// <summary>Whether a commit's only store may go straight to memory (the short paths' conditions: pmem, writable, no reservation, no recorded events).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private bool AppliesAtOnce(CommitWork work) =>
        _shape.Protection == PmemProtection.ReadWrite && _reservation is null && IsPmem && work.Events is null;

    [MethodImpl(MethodImplOptions.NoInlining)]
    private PmemException? ApplyTemporalOrGeneral(CommitWork work)
    {
        var stores = new MappingStores(this, ResolvedConfig.Current);
        return CommitApply.TryApplyTemporal(ref stores, IsPmem, work) ? null : ApplyGeneral(work);
    }

    /// <summary>A read-only refusal, a sparse file's reservation, the group loop, msync: the PmemException they raise, or null.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private PmemException? ApplyGeneral(CommitWork work)
    {
        try
        {
            if (_shape.Protection != PmemProtection.ReadWrite)
            {
                RefuseReadOnlyCommit(work);
            }

            if (_reservation is not null)
            {
                ReserveCommit(work);
            }
        }
        catch (PmemException e)
        {
            return e;
        }

        var stores = new MappingStores(this, ResolvedConfig.Current);
        return CommitApply.RunReporting(ref stores, IsPmem, work);
    }

    /// <summary>A read-only mapping: a commit that stores anything is refused before its first store (reads-only plans run).</summary>
    private void RefuseReadOnlyCommit(CommitWork work)
    {
        foreach (ref readonly CommitStep step in work.Steps)
        {
            if (step.Kind is not (CommitStepKind.Read or CommitStepKind.Barrier))
            {
                ThrowIfReadOnly();
            }
        }
    }

    /// <summary>A sparse file: every page the commit stores into gets storage before the first store (ENOSPC: nothing stored).</summary>
    private void ReserveCommit(CommitWork work)
    {
        foreach (ref readonly CommitStep step in work.Steps)
        {
            if (step.Kind is not (CommitStepKind.Read or CommitStepKind.Barrier) && step.InRange && step.Length > 0)
            {
                ReserveForWrite(step.Offset, step.Length);
            }
        }
    }

    /// <summary>
    /// The mapping while a commit holds it (<see cref="ICommitTarget.Claimed"/>): ranges are checked, the disposed
    /// flag is not (the commit's claim keeps the memory mapped until its <see cref="ICommitTarget.End"/>).
    /// </summary>
    private sealed class ClaimedView(PmemMapping mapping) : IPmemTarget
    {
        public long Length => mapping.Length;

        public bool IsPmem => mapping.IsPmem;

        ICommitTarget IPmemTarget.CommitTarget => mapping;

        private byte* At(long offset, long length)
        {
            mapping.CheckRange(offset, length);
            return mapping._address + offset;
        }

        public void Read(long offset, Span<byte> destination) =>
            new ReadOnlySpan<byte>(At(offset, destination.Length), destination.Length).CopyTo(destination);

        public void Copy(long offset, ReadOnlySpan<byte> source, PmemCopyFlags flags = PmemCopyFlags.None)
        {
            CopyEngine.ValidateFlags(flags);
            byte* p = At(offset, source.Length);
            mapping.ThrowIfReadOnly();
            fixed (byte* s = source)
            {
                mapping.CopyCore(p, s, (nuint)source.Length, flags);
            }
        }

        public void Flush(long offset, long length)
        {
            byte* p = At(offset, length);
            if (mapping.IsPmem)
            {
                FlushEngine.Flush(ResolvedConfig.Current, p, (nuint)length);
            }
            else
            {
                PageFlush.Sync(p, (nuint)length);
            }
        }

        public void Drain()
        {
            if (mapping.IsPmem)
            {
                FlushEngine.Drain(ResolvedConfig.Current);
            }
        }

        public void Persist(long offset, long length)
        {
            Flush(offset, length);
            Drain();
        }
    }

    /// <summary>
    /// A claimed mapping's stores: pointer arithmetic over ranges phase 1 checked, the flush stub and fence of the
    /// configuration read once per commit. A struct, so <see cref="CommitApply"/> calls it directly; of two
    /// references (16 bytes, passed in two registers), so that the JIT keeps it in registers.
    /// </summary>
    private readonly struct MappingStores(PmemMapping mapping, ResolvedConfig config) : ICommitStores
    {
        public long Length => mapping.Length;

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private byte* At(long offset)
        {
            Debug.Assert(offset >= 0 && offset <= mapping.Length, "offsets were checked in phase 1");
            return mapping._address + offset;
        }

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public void Store(long offset, ReadOnlySpan<byte> source, bool nonTemporal)
        {
            byte* p = At(offset);
            if (nonTemporal)
            {
                Debug.Assert(offset % CommitApply.LineSize == 0 && source.Length % CommitApply.LineSize == 0, "whole lines");
                fixed (byte* s = source)
                {
                    CopyEngine.Memmove(config, p, s, (nuint)source.Length, PmemCopyFlags.NonTemporal | PmemCopyFlags.NoDrain);
                }

                return;
            }

            // Scalars get one store of their width, so an aligned 8-byte write is a single atomic store.
            switch (source.Length)
            {
                case 8: Unsafe.WriteUnaligned(p, BinaryPrimitives.ReadUInt64LittleEndian(source)); break;
                case 4: Unsafe.WriteUnaligned(p, BinaryPrimitives.ReadUInt32LittleEndian(source)); break;
                case 2: Unsafe.WriteUnaligned(p, BinaryPrimitives.ReadUInt16LittleEndian(source)); break;
                case 1: *p = source[0]; break;
                default: source.CopyTo(new Span<byte>(p, source.Length)); break;
            }
        }

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public void StoreScalar(long offset, int size, long value)
        {
            byte* p = At(offset);
            switch (size)
            {
                case 8: Unsafe.WriteUnaligned(p, value); break;
                case 4: Unsafe.WriteUnaligned(p, (int)value); break;
                case 2: Unsafe.WriteUnaligned(p, (short)value); break;
                default:
                    Debug.Assert(size == 1, "scalar width");
                    *p = (byte)value;
                    break;
            }
        }

        // Inlined, handing on values, not this: a call taking this would take the address of the commit's
        // MappingStores local, which then lives in memory on every path (PmemMapping.Apply).
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public void Fill(long offset, long count, byte value, bool nonTemporal) =>
            FillAt(config, At(offset), count, value, nonTemporal);

        [MethodImpl(MethodImplOptions.NoInlining)]
        private static void FillAt(ResolvedConfig config, byte* p, long count, byte value, bool nonTemporal)
        {
            if (nonTemporal)
            {
                Debug.Assert((nint)p % CommitApply.LineSize == 0 && count % CommitApply.LineSize == 0, "whole lines");
                CopyEngine.Memset(config, p, value, (nuint)count, PmemCopyFlags.NonTemporal | PmemCopyFlags.NoDrain);
            }
            else
            {
                CopyEngine.Memset(config, p, value, (nuint)count, PmemCopyFlags.NoFlush);
            }
        }

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public void FlushLines(long firstLine, long lineCount) =>
            FlushEngine.Flush(config, At(firstLine << CommitApply.LineShift), (nuint)(lineCount << CommitApply.LineShift));

        public void Drain() => FlushEngine.Drain(config);

        /// <summary>A fence of the calling thread, when the configuration fences at all.</summary>
        public bool MayDeferDrain => config.DrainFences;

        public void Msync(long offset, long count) => PageFlush.Sync(At(offset), (nuint)count);
    }
}
