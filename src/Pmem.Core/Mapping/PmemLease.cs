using System;

namespace Pmem;

/// <summary>
/// A span over part of a <see cref="PmemMapping"/> that keeps the mapping mapped until <see cref="Dispose"/>: the safe
/// way to load and store through a span. Take it with <see cref="PmemMapping.Lease"/> in a <c>using</c> statement.
/// </summary>
/// <remarks>
/// <para>While the lease is held, a <see cref="PmemMapping.Dispose"/> on any thread returns at once and the unmap waits
/// for the lease's end, so the span never points at unmapped memory. Stores through <see cref="Span"/> are plain
/// stores: nothing is durable until the range is persisted (<see cref="PmemMapping.Persist"/>, or flushes and a drain).</para>
/// <para>Dispose it once, on the thread that took it (a <c>using</c> statement does both); it is a <c>ref struct</c>,
/// so it cannot outlive the method, cross an <c>await</c> or be stored on the heap.</para>
/// </remarks>
public readonly unsafe ref struct PmemLease : IDisposable
{
    private readonly PmemMapping? _mapping;
    private readonly byte* _pointer;
    private readonly int _length;
    private readonly bool _counted;

    internal PmemLease(PmemMapping mapping, byte* pointer, int length, bool counted)
    {
        _mapping = mapping;
        _pointer = pointer;
        _length = length;
        _counted = counted;
    }

    /// <summary>The leased bytes; valid until <see cref="Dispose"/>.</summary>
    public Span<byte> Span => new(_pointer, _length);

    /// <summary>The length of <see cref="Span"/> in bytes.</summary>
    public int Length => _length;

    /// <summary>Ends the lease (if the mapping was disposed meanwhile, the last lease or operation to end unmaps it).</summary>
    public void Dispose() => _mapping?.EndLease(_counted);
}
