using System.Collections.Generic;

namespace Pmem.Simulation;

/// <summary>A cache line with stores that are not yet known to be persistent.</summary>
/// <param name="Line">The line index (offset / 64).</param>
/// <param name="Units">The line's pending units in program order; a crash persists some prefix of them.</param>
/// <param name="Flushed">How many of <see cref="Units"/> (a prefix) have been flushed and await only a fence.</param>
public sealed record PendingLine(long Line, IReadOnlyList<CrashUnit> Units, int Flushed);
