using System;
using System.Collections.Generic;

namespace Pmem;

/// <summary>
/// Stores that record every call into a list and, when <c>forward</c>, pass it on to the target's own stores: the
/// instrumentation of a real commit (tests count flushes and drains with it) and, without forwarding, the dry run
/// that shows what a commit would do.
/// </summary>
internal struct RecordingStores<TInner>(TInner inner, List<CommitEvent> events, bool forward) : ICommitStores
    where TInner : ICommitStores
{
    private TInner _inner = inner;

    public readonly long Length => _inner.Length;

    public void Store(long offset, ReadOnlySpan<byte> source, bool nonTemporal)
    {
        events.Add(new(CommitEventKind.Stored, offset, source.Length, NonTemporal: nonTemporal));
        if (forward)
        {
            _inner.Store(offset, source, nonTemporal);
        }
    }

    public void StoreScalar(long offset, int size, long value)
    {
        events.Add(new(CommitEventKind.Stored, offset, size));
        if (forward)
        {
            _inner.StoreScalar(offset, size, value);
        }
    }

    public void Fill(long offset, long length, byte value, bool nonTemporal)
    {
        events.Add(new(CommitEventKind.Filled, offset, length, value, nonTemporal));
        if (forward)
        {
            _inner.Fill(offset, length, value, nonTemporal);
        }
    }

    public void FlushLines(long firstLine, long lineCount)
    {
        events.Add(new(CommitEventKind.FlushedLines, firstLine, lineCount));
        if (forward)
        {
            _inner.FlushLines(firstLine, lineCount);
        }
    }

    public void Drain()
    {
        events.Add(new(CommitEventKind.Drained, 0, 0));
        if (forward)
        {
            _inner.Drain();
        }
    }

    /// <summary>Every drain is recorded where the commit issues it.</summary>
    public bool MayDeferDrain => false;

    public void Msync(long offset, long length)
    {
        events.Add(new(CommitEventKind.Msynced, offset, length));
        if (forward)
        {
            _inner.Msync(offset, length);
        }
    }
}

/// <summary>Stores of nothing, <see cref="Length"/> bytes long: what a dry run records against when there is no target.</summary>
internal readonly struct NoStores(long length) : ICommitStores
{
    public long Length => length;

    public void Store(long offset, ReadOnlySpan<byte> source, bool nonTemporal) => throw new InvalidOperationException("a dry run stores nothing");

    public void StoreScalar(long offset, int size, long value) => throw new InvalidOperationException("a dry run stores nothing");

    public void Fill(long offset, long length, byte value, bool nonTemporal) => throw new InvalidOperationException("a dry run stores nothing");

    public void FlushLines(long firstLine, long lineCount) => throw new InvalidOperationException("a dry run flushes nothing");

    public void Drain() => throw new InvalidOperationException("a dry run drains nothing");

    /// <summary>A dry run drains nothing.</summary>
    public bool MayDeferDrain => false;

    public void Msync(long offset, long length) => throw new InvalidOperationException("a dry run syncs nothing");
}
