using System;
using System.Buffers.Binary;

namespace Pmem.Simulation;

/// <summary>
/// The simulator as a commit target: a commit issues here exactly the stores, line flushes and fences it issues on a
/// pmem mapping, and each becomes one recorded event (a scalar one store of its width, so an aligned 8-byte write is
/// one atomic unit; a fill one store of all its bytes).
/// </summary>
public sealed partial class PmemSimulator : ICommitTarget
{
    ICommitTarget IPmemTarget.CommitTarget => this;

    long ICommitTarget.Length => _initial.Length;

    IPmemTarget ICommitTarget.Claimed => this;

    bool ICommitTarget.TryBegin(MappingUse thread) => true;

    nint ICommitTarget.PrefetchBase => 0;

    void ICommitTarget.End(MappingUse thread)
    {
    }

    PmemException? ICommitTarget.Apply(CommitWork work)
    {
        var stores = new Stores(this);
        return CommitApply.RunReporting(ref stores, IsPmem, work);
    }

    // The mapping's direct path, so that crash-state tests see the calls it issues (the same as Apply's for that
    // one step); with events recorded, the write is recorded for Apply.
    void ICommitTarget.ApplyOnlyWrite(CommitWork work, long offset, byte[] bytes, int start, int length)
    {
        if (IsPmem && work.Events is null)
        {
            var stores = new Stores(this);
            CommitApply.ApplyOnlyWrite(ref stores, work, offset, new ReadOnlySpan<byte>(bytes, start, length));
        }
        else
        {
            work.AppendWrite(offset, new ReadOnlyMemory<byte>(bytes, start, length));
        }
    }

    void ICommitTarget.ApplyOnlyMemory(CommitWork work, long offset, ReadOnlyMemory<byte> memory)
    {
        if (IsPmem && work.Events is null)
        {
            var stores = new Stores(this);
            CommitApply.ApplyOnlyWrite(ref stores, work, offset, memory.Span);
        }
        else
        {
            work.AppendWrite(offset, memory);
        }
    }

    void ICommitTarget.ApplyOnlyFill(CommitWork work, long offset, long length, byte value)
    {
        if (IsPmem && work.Events is null)
        {
            var stores = new Stores(this);
            CommitApply.ApplyOnlyFill(ref stores, work, offset, length, value);
        }
        else
        {
            work.Append(CommitStepKind.Fill, offset, length, value, true);
        }
    }

    void ICommitTarget.ApplyOnlyScalar(CommitWork work, long offset, int size, long value)
    {
        if (IsPmem && work.Events is null)
        {
            var stores = new Stores(this);
            CommitApply.ApplyOnlyScalar(ref stores, work, offset, size, value);
        }
        else
        {
            work.Append(CommitStepKind.Scalar, offset, size, value, true);
        }
    }

    private readonly struct Stores(PmemSimulator device) : ICommitStores
    {
        public long Length => device._initial.Length;

        public void Store(long offset, ReadOnlySpan<byte> source, bool nonTemporal) =>
            device.Record(new PmemEvent.Store(offset, source.ToArray(), nonTemporal));

        public void StoreScalar(long offset, int size, long value)
        {
            var bytes = new byte[size];
            Span<byte> all = stackalloc byte[8];
            BinaryPrimitives.WriteInt64LittleEndian(all, value);
            all[..size].CopyTo(bytes);
            device.Record(new PmemEvent.Store(offset, bytes, false));
        }

        public void Fill(long offset, long length, byte value, bool nonTemporal)
        {
            var bytes = new byte[length];
            bytes.AsSpan().Fill(value);
            device.Record(new PmemEvent.Store(offset, bytes, nonTemporal));
        }

        public void FlushLines(long firstLine, long lineCount) =>
            device.Flush(firstLine << CommitApply.LineShift, lineCount << CommitApply.LineShift);

        public void Drain() => device.Fence();

        /// <summary>Every fence is recorded where the commit issues it.</summary>
        public bool MayDeferDrain => false;

        public void Msync(long offset, long length) => device.Msync(offset, length);
    }
}
