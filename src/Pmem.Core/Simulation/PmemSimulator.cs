using System;
using System.Collections.Generic;

namespace Pmem.Simulation;

/// <summary>
/// A simulated persistent-memory device that records every store, flush and fence and can say which memory images a
/// power failure could leave at any point of the run (see <see cref="CrashState"/>, <see cref="CrashImages"/>).
/// Nothing is ever persistent for real: this is for testing recovery code.
/// </summary>
/// <remarks>
/// <para>The model is pmemcheck's: a store is DIRTY until a flush of its cache line, FLUSHED until the next fence, then
/// PERSISTED; a non-temporal store is FLUSHED at once (and, as on x86, it first writes back what is pending in its
/// line); msync persists whole 4 KiB pages immediately.</para>
/// <para>What may survive a crash: everything PERSISTED, plus, independently for each 64-byte line, any prefix (in
/// program order) of the line's other stores. Stores are cut into units: an aligned 8-byte word written whole is one
/// unit (8-byte stores are atomic); every other byte is its own unit (nothing else is atomic), in ascending address
/// order within its store. The model does not produce images in which bytes of one store within one line persist
/// out of that order.</para>
/// <para>C# code tests its crash consistency by writing through <see cref="IPmemTarget"/> (which
/// <see cref="PmemMapping"/> implements too): run it once on a simulator, then check every image of
/// <see cref="CrashImages"/> with the recovery code. F# plans run here with <c>Durable.commit</c> or
/// <c>Durable.simulate</c>. Not thread-safe: one run, one thread.</para>
/// </remarks>
/// <example><code lang="C#">
/// var device = new PmemSimulator(4096);
/// PmemRedoLog.Commit(device, RedoLogRegion.AtEnd(4096, 1024), [(0L, payload)]);
/// foreach (CrashImage crash in device.CrashImages(CrashEngine.Auto, sample: 256))
/// {
///     var after = new PmemSimulator(crash.Image);
///     PmemRedoLog.Recover(after, RedoLogRegion.AtEnd(4096, 1024));
///     // after.CurrentImage() holds the old or the new payload
/// }
/// </code></example>
public sealed partial class PmemSimulator : IPmemTarget
{
    internal const int LineSize = 64;
    private const int PageSize = 4096;

    private readonly byte[] _initial;
    private readonly byte[] _current;
    private readonly List<PmemEvent> _events = [];
    private readonly SimulatedState _state;

    /// <summary>A device of <paramref name="length"/> zero bytes, all persistent.</summary>
    /// <param name="length">Size in bytes.</param>
    public PmemSimulator(int length)
        : this(new byte[length])
    {
    }

    /// <summary>A device whose persistent contents are <paramref name="initial"/>.</summary>
    /// <param name="initial">The starting image (copied).</param>
    public PmemSimulator(ReadOnlySpan<byte> initial)
    {
        _initial = initial.ToArray();
        _current = initial.ToArray();
        _state = new SimulatedState(_initial);
    }

    /// <summary>The device size in bytes.</summary>
    public int Length => _initial.Length;

    long IPmemTarget.Length => _initial.Length;

    /// <summary>Always true: the simulator models persistent memory.</summary>
    public bool IsPmem => true;

    /// <summary>Every operation so far, in program order.</summary>
    public IReadOnlyList<PmemEvent> Events => _events;

    /// <summary>The state after all events so far: what is persistent and what may or may not be.</summary>
    public CrashState CrashState => _state.Snapshot(_events.Count);

    /// <summary>A copy of the image the device started with (the state before the first event).</summary>
    /// <returns>The initial image.</returns>
    public byte[] InitialImage() => (byte[])_initial.Clone();

    /// <summary>
    /// The crash state at every point of the run so far: after 0 events (the initial image), after 1, …, after all
    /// of <see cref="Events"/>, replaying the run once. Each state is independent of later events.
    /// </summary>
    /// <returns><see cref="Events"/>.Count + 1 states, in order.</returns>
    public IEnumerable<CrashState> CrashStates()
    {
        PmemEvent[] events = [.. _events];
        var replay = new SimulatedState(_initial);
        yield return replay.Snapshot(0);
        for (int i = 0; i < events.Length; i++)
        {
            replay.Apply(events[i], i);
            yield return replay.Snapshot(i + 1);
        }
    }

    /// <summary>
    /// The crash images <paramref name="engine"/> selects at every point of the run so far (see
    /// <see cref="CrashStates"/>): enumerate small runs with <see cref="CrashEngine.Full"/>, sample large ones with
    /// <see cref="CrashEngine.Auto"/> or <see cref="CrashEngine.Random"/>.
    /// </summary>
    /// <param name="engine">Which images at each point.</param>
    /// <param name="sample">Per point: the sample size for Random and Auto, the limit for Full.</param>
    /// <param name="seed">The random seed (point <c>k</c> uses <c>seed + k</c>).</param>
    /// <returns>The images, crash point by crash point.</returns>
    /// <exception cref="InvalidOperationException"><see cref="CrashEngine.Full"/> would exceed <paramref name="sample"/> images at some point.</exception>
    public IEnumerable<CrashImage> CrashImages(CrashEngine engine = CrashEngine.Auto, int sample = 1000, int seed = 0)
    {
        foreach (CrashState state in CrashStates())
        {
            foreach (int[] prefixes in state.Choices(engine, sample, unchecked(seed + state.EventCount)))
            {
                yield return new CrashImage(state, prefixes);
            }
        }
    }

    /// <summary>Replays the first <paramref name="eventCount"/> events from the initial image: the crash state at that point of the run.</summary>
    /// <param name="eventCount">0 to <see cref="Events"/>.Count.</param>
    /// <returns>The crash state after that many events.</returns>
    public CrashState CrashStateAt(int eventCount)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(eventCount);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(eventCount, _events.Count);
        var replay = new SimulatedState(_initial);
        for (int i = 0; i < eventCount; i++)
        {
            replay.Apply(_events[i], i);
        }

        return replay.Snapshot(eventCount);
    }

    /// <summary>The bytes a load sees now (all stores so far, persistent or not).</summary>
    /// <param name="offset">Start.</param>
    /// <param name="destination">Where the bytes go.</param>
    public void Read(long offset, Span<byte> destination)
    {
        Check(offset, destination.Length);
        _current.AsSpan((int)offset, destination.Length).CopyTo(destination);
    }

    /// <summary>A copy of what loads see now.</summary>
    /// <returns>The current image.</returns>
    public byte[] CurrentImage() => (byte[])_current.Clone();

    /// <summary>A plain (temporal) store: DIRTY until flushed and fenced.</summary>
    /// <param name="offset">Where.</param>
    /// <param name="bytes">What.</param>
    public void Store(long offset, ReadOnlySpan<byte> bytes) => Record(new PmemEvent.Store(offset, bytes.ToArray(), false));

    /// <summary>A non-temporal store: persistent after the next fence.</summary>
    /// <param name="offset">Where.</param>
    /// <param name="bytes">What.</param>
    public void StoreNonTemporal(long offset, ReadOnlySpan<byte> bytes) => Record(new PmemEvent.Store(offset, bytes.ToArray(), true));

    /// <summary>Flushes the lines holding <c>[offset, offset + length)</c>: their stores so far persist at the next fence.</summary>
    /// <param name="offset">Start.</param>
    /// <param name="length">Length.</param>
    public void Flush(long offset, long length) => Record(new PmemEvent.Flush(offset, length));

    /// <summary>A fence (drain): every flushed line and non-temporal store before it is persistent after it.</summary>
    public void Fence() => Record(new PmemEvent.Fence());

    /// <summary>The same as <see cref="Fence"/>.</summary>
    public void Drain() => Fence();

    /// <summary>Flush then fence.</summary>
    /// <param name="offset">Start.</param>
    /// <param name="length">Length.</param>
    public void Persist(long offset, long length)
    {
        Flush(offset, length);
        Fence();
    }

    /// <summary>msync: the pages holding the range are persistent on return.</summary>
    /// <param name="offset">Start.</param>
    /// <param name="length">Length.</param>
    public void Msync(long offset, long length) => Record(new PmemEvent.Msync(offset, length));

    /// <summary>
    /// A persistent copy as <see cref="PersistentMemory.Memcpy"/> performs it: flags decide temporal or non-temporal
    /// stores, flush, and drain exactly as on real persistent memory.
    /// </summary>
    /// <param name="offset">Destination.</param>
    /// <param name="source">Bytes.</param>
    /// <param name="flags">libpmem flags.</param>
    public void Copy(long offset, ReadOnlySpan<byte> source, PmemCopyFlags flags = PmemCopyFlags.None)
    {
        CopyEngine.ValidateFlags(flags);
        bool nonTemporal = (flags & (PmemCopyFlags.NonTemporal | PmemCopyFlags.WriteCombining)) != 0;
        if ((flags & PmemCopyFlags.NoFlush) != 0)
        {
            Store(offset, source);
            return;
        }

        if (nonTemporal)
        {
            StoreNonTemporal(offset, source);
        }
        else
        {
            Store(offset, source);
            Flush(offset, source.Length);
        }

        if ((flags & PmemCopyFlags.NoDrain) == 0)
        {
            Fence();
        }
    }

    /// <summary>A persistent fill, like <see cref="Copy"/> with <paramref name="length"/> copies of <paramref name="value"/>.</summary>
    /// <param name="offset">Destination.</param>
    /// <param name="value">Byte.</param>
    /// <param name="length">Count.</param>
    /// <param name="flags">libpmem flags.</param>
    public void Fill(long offset, byte value, long length, PmemCopyFlags flags = PmemCopyFlags.None)
    {
        Check(offset, length);
        var bytes = new byte[length];
        bytes.AsSpan().Fill(value);
        Copy(offset, bytes, flags);
    }

    /// <inheritdoc/>
    public override string ToString() =>
        $"simulated pmem device: {Length} bytes, {_events.Count} events, {_state.PendingLineCount} lines pending";

    private void Record(PmemEvent e)
    {
        switch (e)
        {
            case PmemEvent.Store s:
                Check(s.Offset, s.Bytes.Length);
                s.Bytes.CopyTo(_current.AsSpan((int)s.Offset));
                break;
            case PmemEvent.Flush f:
                Check(f.Offset, f.Length);
                break;
            case PmemEvent.Msync m:
                Check(m.Offset, m.Length);
                break;
        }

        _state.Apply(e, _events.Count);
        _events.Add(e);
    }

    private void Check(long offset, long length)
    {
        if (offset < 0 || length < 0 || offset > _initial.Length - length)
        {
            ThrowHelper.ThrowArgumentOutOfRange(offset, length, _initial.Length);
        }
    }

    internal static long PageStart(long offset) => offset & ~(long)(PageSize - 1);

    internal static long PageEnd(long end) => (end + PageSize - 1) & ~(long)(PageSize - 1);
}
