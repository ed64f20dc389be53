using System;
using System.Buffers.Binary;

namespace Pmem;

/// <summary>
/// A commit target over the public members of an <see cref="IPmemTarget"/> implemented outside Pmem (the mapping and
/// the simulator are commit targets themselves): an ordinary store is <c>Copy(…, NoFlush)</c>, a non-temporal one
/// <c>Copy(…, NonTemporal | NoDrain)</c>, a line flush <see cref="IPmemTarget.Flush"/>, the drain
/// <see cref="IPmemTarget.Drain"/>; off pmem the msync a commit asks for is <see cref="IPmemTarget.Flush"/>, which
/// syncs there.
/// </summary>
internal sealed class PublicMembersCommitTarget(IPmemTarget target) : ICommitTarget
{
    public long Length => target.Length;

    public bool IsPmem => target.IsPmem;

    public nint PrefetchBase => 0;

    public bool TryBegin(MappingUse thread) => true;

    public void End(MappingUse thread)
    {
    }

    public IPmemTarget Claimed => target;

    public void Read(long offset, Span<byte> destination) => target.Read(offset, destination);

    public PmemException? Apply(CommitWork work)
    {
        // What the target's public members raise (its msync, a read-only target) is the commit's error.
        var stores = new Stores(target);
        return CommitApply.RunReporting(ref stores, target.IsPmem, work);
    }

    /// <summary>Recorded: a target outside Pmem is reached through its public members, by whole work (Apply).</summary>
    public void ApplyOnlyWrite(CommitWork work, long offset, byte[] bytes, int start, int length) =>
        work.AppendWrite(offset, new ReadOnlyMemory<byte>(bytes, start, length));

    /// <summary>Recorded, as <see cref="ApplyOnlyWrite"/>.</summary>
    public void ApplyOnlyMemory(CommitWork work, long offset, ReadOnlyMemory<byte> memory) => work.AppendWrite(offset, memory);

    /// <summary>Recorded, as <see cref="ApplyOnlyWrite"/>.</summary>
    public void ApplyOnlyFill(CommitWork work, long offset, long length, byte value) =>
        work.Append(CommitStepKind.Fill, offset, length, value, true);

    /// <summary>Recorded, as <see cref="ApplyOnlyWrite"/>.</summary>
    public void ApplyOnlyScalar(CommitWork work, long offset, int size, long value) =>
        work.Append(CommitStepKind.Scalar, offset, size, value, true);

    private readonly struct Stores(IPmemTarget target) : ICommitStores
    {
        /// <summary>The largest piece of a fill stored with one Copy (whole lines, so non-temporal pieces stay whole).</summary>
        private const int FillPiece = 1 << 16;

        public long Length => target.Length;

        public void Store(long offset, ReadOnlySpan<byte> source, bool nonTemporal) =>
            target.Copy(offset, source, nonTemporal ? PmemCopyFlags.NonTemporal | PmemCopyFlags.NoDrain : PmemCopyFlags.NoFlush);

        public void StoreScalar(long offset, int size, long value)
        {
            Span<byte> bytes = stackalloc byte[8];
            BinaryPrimitives.WriteInt64LittleEndian(bytes, value);
            target.Copy(offset, bytes[..size], PmemCopyFlags.NoFlush);
        }

        public void Fill(long offset, long length, byte value, bool nonTemporal)
        {
            byte[] piece = new byte[(int)Math.Min(length, FillPiece)];
            piece.AsSpan().Fill(value);
            for (long done = 0; done < length; done += piece.Length)
            {
                Store(offset + done, piece.AsSpan(0, (int)Math.Min(piece.Length, length - done)), nonTemporal);
            }
        }

        public void FlushLines(long firstLine, long lineCount) =>
            target.Flush(firstLine << CommitApply.LineShift, lineCount << CommitApply.LineShift);

        public void Drain() => target.Drain();

        /// <summary>A user target drains when called.</summary>
        public bool MayDeferDrain => false;

        public void Msync(long offset, long length) => target.Flush(offset, length);
    }
}
