using System;

namespace Pmem;

/// <summary>
/// Memory that persistence operations act on: a real <see cref="PmemMapping"/>, or a
/// <see cref="Simulation.PmemSimulator"/> that records them to enumerate crash states. Code written against this
/// interface (for example <see cref="PmemRedoLog"/>) can be tested for crash consistency.
/// </summary>
/// <remarks>
/// <para>The C# way to crash-test persistence code: write it against this interface, run it once on a
/// <see cref="Simulation.PmemSimulator"/>, then hand every image of
/// <see cref="Simulation.PmemSimulator.CrashImages"/> to the recovery code (on a fresh simulator holding the image)
/// and check the state it leaves. In production pass the <see cref="PmemMapping"/>. The F# layer's plans
/// (<c>Durable.commit</c>, <c>Durable.commitAtomic</c>) accept any implementation.</para>
/// <para>What is durable after each call is the same on both: after <see cref="Copy"/> without
/// <see cref="PmemCopyFlags.NoDrain"/> or <see cref="PmemCopyFlags.NoFlush"/>, the bytes; after <see cref="Flush"/>,
/// nothing yet (on pmem) until <see cref="Drain"/>; after <see cref="Persist"/>, the range. Model and limits:
/// docs/crash-consistency.md.</para>
/// </remarks>
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

    /// <summary>
    /// This target as a commit sees it (<c>Durable.commit</c> and friends). <see cref="PmemMapping"/> and
    /// <see cref="Simulation.PmemSimulator"/> are commit targets themselves; any other implementation is committed to
    /// through its public members (<see cref="Copy"/> without flush for ordinary stores, non-temporal no-drain
    /// copies, <see cref="Flush"/>, <see cref="Drain"/>).
    /// </summary>
    internal ICommitTarget CommitTarget => new PublicMembersCommitTarget(this);
}
