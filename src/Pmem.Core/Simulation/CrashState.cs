using System;
using System.Collections.Generic;
using System.Linq;

namespace Pmem.Simulation;

/// <summary>
/// What a power failure at one point of a simulated run could leave: <see cref="Persisted"/> for certain, and for
/// each of <see cref="PendingLines"/> any prefix of its pending units.
/// </summary>
public sealed class CrashState
{
    internal CrashState(byte[] persisted, IReadOnlyList<PendingLine> pendingLines, int eventCount)
    {
        Persisted = persisted;
        PendingLines = pendingLines;
        EventCount = eventCount;
    }

    /// <summary>The image if nothing pending reached persistence.</summary>
    public byte[] Persisted { get; }

    /// <summary>Lines whose newest stores may or may not be persistent, in address order.</summary>
    public IReadOnlyList<PendingLine> PendingLines { get; }

    /// <summary>How many events of the run preceded this state.</summary>
    public int EventCount { get; }

    /// <summary>How many distinct prefix choices <see cref="CrashEngine.Full"/> covers (may be astronomically large).</summary>
    public double FullImageCount => PendingLines.Aggregate(1.0, (n, l) => n * (l.Units.Count + 1));

    /// <summary>The image where line <c>i</c> of <see cref="PendingLines"/> persisted its first <c>prefixes[i]</c> units.</summary>
    /// <param name="prefixes">One count per pending line, each 0 to that line's unit count.</param>
    /// <returns>The image.</returns>
    public byte[] Image(ReadOnlySpan<int> prefixes)
    {
        if (prefixes.Length != PendingLines.Count)
        {
            throw new ArgumentException($"Expected {PendingLines.Count} prefix lengths, one per pending line.", nameof(prefixes));
        }

        byte[] image = (byte[])Persisted.Clone();
        for (int i = 0; i < prefixes.Length; i++)
        {
            IReadOnlyList<CrashUnit> units = PendingLines[i].Units;
            ArgumentOutOfRangeException.ThrowIfNegative(prefixes[i], nameof(prefixes));
            ArgumentOutOfRangeException.ThrowIfGreaterThan(prefixes[i], units.Count, nameof(prefixes));
            for (int u = 0; u < prefixes[i]; u++)
            {
                units[u].Bytes.CopyTo(image.AsSpan((int)units[u].Offset));
            }
        }

        return image;
    }

    /// <summary>The images <paramref name="engine"/> selects.</summary>
    /// <param name="engine">Which images (see <see cref="CrashEngine"/>).</param>
    /// <param name="sample">For <see cref="CrashEngine.Random"/>: how many images; for <see cref="CrashEngine.Full"/>: the most to enumerate before refusing; for <see cref="CrashEngine.Auto"/>: both.</param>
    /// <param name="seed">For <see cref="CrashEngine.Random"/> and <see cref="CrashEngine.Auto"/>: the random seed.</param>
    /// <returns>The images, each a fresh array.</returns>
    /// <exception cref="InvalidOperationException"><see cref="CrashEngine.Full"/> would exceed <paramref name="sample"/> images; use Auto or Random.</exception>
    public IEnumerable<byte[]> Images(CrashEngine engine, int sample = 100_000, int seed = 0) =>
        Choices(engine, sample, seed).Select(prefixes => Image(prefixes));

    /// <summary>
    /// The choices behind <see cref="Images"/>: for each image, one prefix length per pending line (pass it to
    /// <see cref="Image"/>). Each array is fresh.
    /// </summary>
    /// <param name="engine">Which images.</param>
    /// <param name="sample">As for <see cref="Images"/>.</param>
    /// <param name="seed">As for <see cref="Images"/>.</param>
    /// <returns>The prefix vectors, in the engine's order.</returns>
    /// <exception cref="InvalidOperationException"><see cref="CrashEngine.Full"/> would exceed <paramref name="sample"/> images.</exception>
    public IEnumerable<int[]> Choices(CrashEngine engine, int sample = 100_000, int seed = 0)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(sample);
        return engine switch
        {
            CrashEngine.NoReorder => [PendingLines.Select(l => l.Units.Count).ToArray()],
            CrashEngine.Accumulative => Accumulative(),
            CrashEngine.Full => Full(sample),
            CrashEngine.Random => RandomChoices(sample, seed),
            CrashEngine.Auto => FullImageCount <= sample ? Full(sample) : RandomChoices(sample, seed),
            _ => throw new ArgumentOutOfRangeException(nameof(engine)),
        };
    }

    private IEnumerable<int[]> Accumulative()
    {
        // All pending units in program order; after each, the image with exactly those persisted.
        var order = PendingLines
            .SelectMany((line, i) => line.Units.Select((u, k) => (u.Sequence, Line: i, Index: k)))
            .OrderBy(x => x.Sequence).ThenBy(x => x.Line).ThenBy(x => x.Index)
            .ToArray();
        var prefixes = new int[PendingLines.Count];
        yield return (int[])prefixes.Clone();
        foreach (var (_, line, _) in order)
        {
            prefixes[line]++;
            yield return (int[])prefixes.Clone();
        }
    }

    private IEnumerable<int[]> Full(int limit)
    {
        if (FullImageCount > limit)
        {
            throw new InvalidOperationException($"{FullImageCount:g3} crash images exceed the limit of {limit}; use CrashEngine.Auto or CrashEngine.Random.");
        }

        return FullUnchecked();
    }

    private IEnumerable<int[]> FullUnchecked()
    {
        var prefixes = new int[PendingLines.Count];
        while (true)
        {
            yield return (int[])prefixes.Clone();
            int i = 0;
            while (i < prefixes.Length && prefixes[i] == PendingLines[i].Units.Count)
            {
                prefixes[i++] = 0;
            }

            if (i == prefixes.Length)
            {
                yield break;
            }

            prefixes[i]++;
        }
    }

    private IEnumerable<int[]> RandomChoices(int count, int seed)
    {
        var random = new Random(seed);
        for (int n = 0; n < count; n++)
        {
            var prefixes = new int[PendingLines.Count];
            for (int i = 0; i < prefixes.Length; i++)
            {
                prefixes[i] = random.Next(PendingLines[i].Units.Count + 1);
            }

            yield return prefixes;
        }
    }
}
