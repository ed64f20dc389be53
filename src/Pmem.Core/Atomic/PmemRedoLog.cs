using System;
using System.Buffers.Binary;
using System.Collections.Generic;

namespace Pmem;

/// <summary>What <see cref="PmemRedoLog.Recover"/> found and did.</summary>
public enum RedoLogRecovery
{
    /// <summary>The region has never held a log (all zero): nothing to do.</summary>
    NoLog,

    /// <summary>No committed transaction was pending; any uncommitted log was discarded (left unapplied).</summary>
    Clean,

    /// <summary>A committed transaction was pending; its writes were applied and made durable.</summary>
    Completed,
}

/// <summary>
/// All-or-nothing groups of writes across crashes, with a redo log kept in a region of the mapping. The layout is
/// documented in docs/crash-consistency.md.
/// </summary>
/// <remarks>
/// <para><see cref="Commit"/>: (1) the entries and header are written and made durable with the commit word 0 (the
/// header's magic stored last, so it never persists without the rest of its line);
/// (2) the commit word is set to the transaction's sequence number with one atomic 8-byte store and made durable —
/// the transaction is now committed; (3) the writes are applied and made durable; (4) the commit word is cleared.</para>
/// <para>A crash before (2) completes leaves the old state (recovery discards the log); after it, recovery re-applies the
/// writes, which is idempotent, so a crash during recovery is recovered the same way.</para>
/// </remarks>
public static class PmemRedoLog
{
    /// <summary>Applies <paramref name="writes"/> to <paramref name="target"/> atomically with respect to crashes.</summary>
    /// <remarks>When it returns every write is durable and the log is empty. If it throws, or the process dies, the target
    /// holds either all writes or none once <see cref="Recover"/> has run.</remarks>
    /// <param name="target">The mapping (or simulator).</param>
    /// <param name="region">The reserved log region.</param>
    /// <param name="writes">(offset, bytes) pairs, applied in order.</param>
    /// <exception cref="RedoLogException">The region is unusable (<see cref="RedoLogError.RegionTooSmall"/>), the writes do not fit it (<see cref="RedoLogError.RegionTooSmall"/>) or lie outside the target or inside the region (<see cref="RedoLogError.WriteOutOfRange"/>), a committed transaction awaits recovery (<see cref="RedoLogError.RecoveryNeeded"/>), or the region holds neither zeros nor a log (<see cref="RedoLogError.BadMagic"/>, so that data placed there by mistake is not overwritten); nothing was written. <see cref="RedoLogError.CommitUndecided"/>: making the commit mark durable failed and taking it back failed too, so the media may hold the transaction committed or not; recovery after a restart decides.</exception>
    /// <exception cref="PmemException">Making the log, the commit mark, the writes or the clearing durable failed (msync). Before the mark was durable: the mark was taken back durably, nothing was committed. After it: the transaction is committed and <see cref="Recover"/> completes it.</exception>
    public static void Commit(IPmemTarget target, RedoLogRegion region, IReadOnlyList<(long Offset, byte[] Bytes)> writes) =>
        CommitReporting(target, region, writes, out _);

    /// <summary>
    /// The public Commit, saying whether the
    /// transaction was committed (its commit word durable) when it throws: then <see cref="Recover"/> completes it.
    /// When it throws with <paramref name="committed"/> false, nothing was committed (a commit word whose persist
    /// failed was taken back first, durably), except for <see cref="RedoLogError.CommitUndecided"/>: the take-back
    /// failed too, and whether the transaction was committed is decided by what the media holds.
    /// </summary>
    internal static void CommitReporting(IPmemTarget target, RedoLogRegion region, IReadOnlyList<(long Offset, byte[] Bytes)> writes, out bool committed)
    {
        committed = false;
        ArgumentNullException.ThrowIfNull(target);
        ArgumentNullException.ThrowIfNull(writes);
        region.Validate(target);
        foreach ((long offset, byte[] bytes) in writes)
        {
            if (offset < 0 || offset > target.Length - bytes.Length || region.Overlaps(offset, bytes.Length))
            {
                throw new RedoLogException(RedoLogError.WriteOutOfRange, $"The write [{offset}, +{bytes.Length}) lies outside the mapping or inside the {region}.");
            }
        }

        long payloadLength = RedoLogLayout.PayloadLength(writes);
        EnsureFits(region, payloadLength);

        Span<byte> header = stackalloc byte[RedoLogLayout.HeaderSize];
        target.Read(region.Offset, header);
        ulong sequence = 1;
        ulong magic = BinaryPrimitives.ReadUInt64LittleEndian(header);
        if (magic != 0 && magic != RedoLogLayout.Magic)
        {
            throw new RedoLogException(
                RedoLogError.BadMagic,
                $"The {region} holds neither a Pmem redo log nor zeros (magic 0x{magic:x16}); refusing to overwrite it. Zero the region, or choose one that holds no data.");
        }

        if (magic == RedoLogLayout.Magic)
        {
            if (BinaryPrimitives.ReadUInt64LittleEndian(header[RedoLogLayout.CommitOffset..]) != 0)
            {
                throw new RedoLogException(RedoLogError.RecoveryNeeded, $"The {region} holds a committed transaction that was never applied; run recovery first.");
            }

            sequence = BinaryPrimitives.ReadUInt64LittleEndian(header[RedoLogLayout.SequenceOffset..]) + 1;
            sequence = sequence == 0 ? 1 : sequence;
        }

        // (1) entries, then the header with commit word 0: durable before the commit word can be set. The magic is
        // stored last, after the rest of its line: a crash can leave the rest without the magic, never the magic
        // without a version (which recovery would report as corrupt after a crash during the first commit).
        byte[] payload = RedoLogLayout.EncodePayload(writes);
        byte[] encoded = RedoLogLayout.EncodeHeader(payloadLength, sequence, payload);
        target.Copy(region.Offset + RedoLogLayout.HeaderSize, payload, PmemCopyFlags.NoDrain);
        target.Copy(region.Offset + RedoLogLayout.VersionOffset, encoded.AsSpan(RedoLogLayout.VersionOffset), PmemCopyFlags.NoDrain);
        target.Copy(region.Offset, encoded.AsSpan(0, RedoLogLayout.VersionOffset), PmemCopyFlags.NoDrain);
        target.Drain();

        // (2) commit: one aligned 8-byte store, made durable. If making it durable failed (msync), it may or may not
        // be durable: take it back, so that a failed commit has committed nothing.
        try
        {
            SetCommitWord(target, region, sequence);
        }
        catch (PmemException failed)
        {
            try
            {
                SetCommitWord(target, region, 0);
            }
            catch (PmemException again)
            {
                // Neither the mark nor its withdrawal is known durable: say so, instead of "nothing committed".
                throw new RedoLogException(
                    RedoLogError.CommitUndecided,
                    $"Making the commit mark of the {region} durable failed ({failed.Message}), and so did taking it back ({again.Message}): " +
                    "the transaction may or may not be durable. The mapped data holds the old state; after a restart, recovery completes or discards the transaction, whichever the media holds.");
            }

            throw;
        }

        committed = true;

        // (3) apply, (4) clear.
        Apply(target, writes);
        SetCommitWord(target, region, 0);
    }

    /// <summary>
    /// Finishes or discards an interrupted <see cref="Commit"/>: a committed transaction is re-applied, anything else
    /// is left unapplied. Safe to run at every start, and again if it is itself interrupted.
    /// </summary>
    /// <remarks>When it returns the target holds the old or the new state of the last transaction, durably.</remarks>
    /// <param name="target">The mapping (or simulator).</param>
    /// <param name="region">The reserved log region.</param>
    /// <returns>What was found.</returns>
    /// <exception cref="RedoLogException">The log is corrupt (bad magic, version, marker, length, truncated entries, checksum); nothing was applied.</exception>
    public static RedoLogRecovery Recover(IPmemTarget target, RedoLogRegion region)
    {
        ArgumentNullException.ThrowIfNull(target);
        region.Validate(target);
        Span<byte> header = stackalloc byte[RedoLogLayout.HeaderSize];
        target.Read(region.Offset, header);

        ulong magic = BinaryPrimitives.ReadUInt64LittleEndian(header);
        if (magic == 0)
        {
            return RedoLogRecovery.NoLog;
        }

        if (magic != RedoLogLayout.Magic)
        {
            throw new RedoLogException(RedoLogError.BadMagic, $"The {region} does not start with a Pmem redo log header (magic 0x{magic:x16}).");
        }

        uint version = BinaryPrimitives.ReadUInt32LittleEndian(header[RedoLogLayout.VersionOffset..]);
        if (version != RedoLogLayout.Version)
        {
            throw new RedoLogException(RedoLogError.UnsupportedVersion, $"The redo log has layout version {version}; this Pmem reads version {RedoLogLayout.Version}.");
        }

        ulong commit = BinaryPrimitives.ReadUInt64LittleEndian(header[RedoLogLayout.CommitOffset..]);
        if (commit == 0)
        {
            return RedoLogRecovery.Clean;
        }

        ulong sequence = BinaryPrimitives.ReadUInt64LittleEndian(header[RedoLogLayout.SequenceOffset..]);
        if (commit != sequence)
        {
            throw new RedoLogException(RedoLogError.BadCommitMarker, $"The redo log's commit word 0x{commit:x} does not match its sequence number {sequence}.");
        }

        long length = BinaryPrimitives.ReadInt64LittleEndian(header[RedoLogLayout.LengthOffset..]);
        if (length < 0 || length > region.Length - RedoLogLayout.HeaderSize)
        {
            throw new RedoLogException(RedoLogError.LengthPastRegion, $"The redo log claims {length} bytes of entries, past the end of the {region}.");
        }

        var payload = new byte[length];
        target.Read(region.Offset + RedoLogLayout.HeaderSize, payload);
        if (RedoLogLayout.Checksum(header, payload) != BinaryPrimitives.ReadUInt64LittleEndian(header[RedoLogLayout.ChecksumOffset..]))
        {
            throw new RedoLogException(RedoLogError.BadChecksum, "The redo log's checksum does not match its contents; it was not applied.");
        }

        Apply(target, RedoLogLayout.DecodePayload(payload, target, region));
        SetCommitWord(target, region, 0);
        return RedoLogRecovery.Completed;
    }

    /// <summary>Throws <see cref="RedoLogError.RegionTooSmall"/> unless <paramref name="payloadLength"/> bytes of entries fit in the region.</summary>
    internal static void EnsureFits(RedoLogRegion region, long payloadLength)
    {
        if (payloadLength > region.Length - RedoLogLayout.HeaderSize)
        {
            throw new RedoLogException(
                RedoLogError.RegionTooSmall,
                $"The transaction needs {payloadLength + RedoLogLayout.HeaderSize} bytes of log, but the {region} holds {region.Length}; use a larger region or split the transaction.");
        }
    }

    /// <summary>The bytes of log entries a write of <paramref name="length"/> bytes takes.</summary>
    internal static long EntryLength(long length) => RedoLogLayout.EntryHeaderSize + RedoLogLayout.Pad(length);

    private static void Apply(IPmemTarget target, IReadOnlyList<(long Offset, byte[] Bytes)> writes)
    {
        foreach ((long offset, byte[] bytes) in writes)
        {
            target.Copy(offset, bytes, PmemCopyFlags.NoDrain);
        }

        target.Drain();
    }

    private static void SetCommitWord(IPmemTarget target, RedoLogRegion region, ulong value)
    {
        Span<byte> word = stackalloc byte[8];
        BinaryPrimitives.WriteUInt64LittleEndian(word, value);
        target.Copy(region.Offset + RedoLogLayout.CommitOffset, word, PmemCopyFlags.None);
    }
}
