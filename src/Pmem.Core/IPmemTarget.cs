using System;

namespace Pmem;

/// <summary>
/// Memory that persistence operations act on: a real <see cref="PmemMapping"/>, or a
/// <see cref="Simulation.PmemSimulator"/> that records them to enumerate crash states. Code written against this
/// interface (for example <see cref="PmemRedoLog"/>) can be tested for crash consistency.
/// </summary>
public interface IPmemTarget
{
    /// <summary>The size in bytes.</summary>
    long Length { get; }

    /// <summary>Whether flush and drain make stores durable (otherwise flushes msync).</summary>
    bool IsPmem { get; }

    /// <summary>Copies <c>[offset, offset + destination.Length)</c> into <paramref name="destination"/> (what loads see now).</summary>
    /// <param name="offset">Start.</param>
    /// <param name="destination">Where the bytes go.</param>
    void Read(long offset, Span<byte> destination);

    /// <summary>Stores <paramref name="source"/> at <paramref name="offset"/>, durable as <paramref name="flags"/> say (see <see cref="PmemMapping.Copy"/>).</summary>
    /// <param name="offset">Destination offset.</param>
    /// <param name="source">Bytes.</param>
    /// <param name="flags">libpmem flags.</param>
    void Copy(long offset, ReadOnlySpan<byte> source, PmemCopyFlags flags = PmemCopyFlags.None);

    /// <summary>Flushes the range: durable after the next <see cref="Drain"/>.</summary>
    /// <param name="offset">Start.</param>
    /// <param name="length">Length.</param>
    void Flush(long offset, long length);

    /// <summary>Waits for earlier flushes and non-temporal stores: they are durable when it returns.</summary>
    void Drain();

    /// <summary>Flush then drain: the range is durable when it returns.</summary>
    /// <param name="offset">Start.</param>
    /// <param name="length">Length.</param>
    void Persist(long offset, long length);
}
