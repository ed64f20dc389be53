using System;
using System.Buffers.Binary;
using System.Collections.Generic;

namespace Pmem;

/// <summary>
/// The on-media layout of a redo log (all integers little-endian):
/// <code>
/// header, one 64-byte line at the region start
///   [0, 8)    magic      "PMEMRLOG"
///   [8, 12)   version    1
///   [12, 16)  reserved   0
///   [16, 24)  length     payload bytes that follow the header
///   [24, 32)  checksum   FNV-1a 64 over header bytes [8, 24), [32, 40) and the payload
///   [32, 40)  sequence   transaction number, never 0
///   [40, 48)  commit     0 = nothing to apply; = sequence once the payload is durable (one atomic 8-byte store)
///   [48, 64)  reserved   0
/// payload, from region start + 64: entries, each
///   [0, 8)  destination offset   [8, 16) byte count n   [16, 16 + n) bytes, padded with zeros to a multiple of 8
/// </code>
/// </summary>
internal static class RedoLogLayout
{
    internal const int HeaderSize = 64;
    internal const int EntryHeaderSize = 16;
    internal const uint Version = 1;
    internal const int MagicOffset = 0;
    internal const int VersionOffset = 8;
    internal const int LengthOffset = 16;
    internal const int ChecksumOffset = 24;
    internal const int SequenceOffset = 32;
    internal const int CommitOffset = 40;

    /// <summary>"PMEMRLOG" read as a little-endian 64-bit integer.</summary>
    internal static readonly ulong Magic = BinaryPrimitives.ReadUInt64LittleEndian("PMEMRLOG"u8);

    internal static long Pad(long n) => (n + 7) & ~7L;

    internal static long PayloadLength(IReadOnlyList<(long Offset, byte[] Bytes)> writes)
    {
        long total = 0;
        foreach ((_, byte[] bytes) in writes)
        {
            total += EntryHeaderSize + Pad(bytes.Length);
        }

        return total;
    }

    internal static byte[] EncodePayload(IReadOnlyList<(long Offset, byte[] Bytes)> writes)
    {
        var payload = new byte[PayloadLength(writes)];
        int at = 0;
        foreach ((long offset, byte[] bytes) in writes)
        {
            BinaryPrimitives.WriteInt64LittleEndian(payload.AsSpan(at), offset);
            BinaryPrimitives.WriteInt64LittleEndian(payload.AsSpan(at + 8), bytes.Length);
            bytes.CopyTo(payload.AsSpan(at + EntryHeaderSize));
            at += EntryHeaderSize + (int)Pad(bytes.Length);
        }

        return payload;
    }

    /// <summary>The header with its commit word 0.</summary>
    internal static byte[] EncodeHeader(long payloadLength, ulong sequence, ReadOnlySpan<byte> payload)
    {
        var header = new byte[HeaderSize];
        BinaryPrimitives.WriteUInt64LittleEndian(header.AsSpan(MagicOffset), Magic);
        BinaryPrimitives.WriteUInt32LittleEndian(header.AsSpan(VersionOffset), Version);
        BinaryPrimitives.WriteInt64LittleEndian(header.AsSpan(LengthOffset), payloadLength);
        BinaryPrimitives.WriteUInt64LittleEndian(header.AsSpan(SequenceOffset), sequence);
        BinaryPrimitives.WriteUInt64LittleEndian(header.AsSpan(ChecksumOffset), Checksum(header, payload));
        return header;
    }

    /// <summary>FNV-1a 64 over the version/reserved/length words, the sequence, and the payload.</summary>
    internal static ulong Checksum(ReadOnlySpan<byte> header, ReadOnlySpan<byte> payload)
    {
        ulong hash = 0xcbf29ce484222325;
        hash = Fnv(hash, header[VersionOffset..ChecksumOffset]);
        hash = Fnv(hash, header[SequenceOffset..CommitOffset]);
        return Fnv(hash, payload);
    }

    /// <summary>Parses and checks every entry without applying any; throws <see cref="RedoLogException"/> on the first fault.</summary>
    internal static List<(long Offset, byte[] Bytes)> DecodePayload(ReadOnlySpan<byte> payload, IPmemTarget target, RedoLogRegion region)
    {
        var entries = new List<(long, byte[])>();
        int at = 0;
        while (at < payload.Length)
        {
            if (payload.Length - at < EntryHeaderSize)
            {
                throw new RedoLogException(RedoLogError.Truncated, $"The redo log's entry at payload byte {at} is cut short.");
            }

            long offset = BinaryPrimitives.ReadInt64LittleEndian(payload[at..]);
            long count = BinaryPrimitives.ReadInt64LittleEndian(payload[(at + 8)..]);
            if (count < 0 || count > payload.Length - at - EntryHeaderSize)
            {
                throw new RedoLogException(RedoLogError.Truncated, $"The redo log's entry at payload byte {at} claims {count} bytes, more than the log holds.");
            }

            if (offset < 0 || offset > target.Length - count || region.Overlaps(offset, count))
            {
                throw new RedoLogException(RedoLogError.WriteOutOfRange, $"The redo log's entry at payload byte {at} targets [{offset}, +{count}), outside the mapping or inside the log.");
            }

            entries.Add((offset, payload.Slice(at + EntryHeaderSize, (int)count).ToArray()));
            at += EntryHeaderSize + (int)Pad(count);
        }

        return entries;
    }

    private static ulong Fnv(ulong hash, ReadOnlySpan<byte> bytes)
    {
        foreach (byte b in bytes)
        {
            hash = (hash ^ b) * 0x100000001b3;
        }

        return hash;
    }
}
