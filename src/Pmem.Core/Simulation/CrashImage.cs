using System;
using System.Collections.Generic;

namespace Pmem.Simulation;

/// <summary>
/// One memory image a power failure could leave: the crash point (<see cref="State"/>, after
/// <see cref="EventCount"/> events of the run) and, for each of the state's pending lines, how many of its pending
/// units reached persistence (<see cref="Prefixes"/>).
/// </summary>
public sealed class CrashImage
{
    /// <summary>The image <paramref name="state"/> leaves when pending line <c>i</c> persisted its first <c>prefixes[i]</c> units.</summary>
    /// <param name="state">The crash point.</param>
    /// <param name="prefixes">One count per pending line, each 0 to that line's unit count (copied).</param>
    /// <exception cref="ArgumentException">The counts do not match the state's pending lines.</exception>
    public CrashImage(CrashState state, IReadOnlyList<int> prefixes)
    {
        ArgumentNullException.ThrowIfNull(state);
        ArgumentNullException.ThrowIfNull(prefixes);
        int[] copy = [.. prefixes];
        Image = state.Image(copy);
        State = state;
        Prefixes = copy;
    }

    /// <summary>What was persistent and what was pending at the crash point.</summary>
    public CrashState State { get; }

    /// <summary>How many events of the run happened before the crash.</summary>
    public int EventCount => State.EventCount;

    /// <summary>For pending line <c>i</c> of <see cref="CrashState.PendingLines"/>, how many of its units persisted.</summary>
    public IReadOnlyList<int> Prefixes { get; }

    /// <summary>The device contents after the crash (a fresh array).</summary>
    public byte[] Image { get; }

    /// <inheritdoc/>
    public override string ToString() =>
        $"crash after {EventCount} events, persisted units per pending line [{string.Join(", ", Prefixes)}]";
}
