using System;
using System.Collections.Generic;
using System.Linq;

namespace Pmem.Simulation;

/// <summary>The persistent image plus, per cache line, the units not yet persistent and how many are flushed.</summary>
internal sealed class SimulatedState
{
    private readonly byte[] _persisted;
    private readonly SortedDictionary<long, LineState> _lines = [];

    internal SimulatedState(byte[] initial) => _persisted = (byte[])initial.Clone();

    private sealed class LineState
    {
        internal List<CrashUnit> Units { get; } = [];

        /// <summary>Units [0, Flushed) are FLUSHED: the next fence persists them.</summary>
        internal int Flushed { get; set; }
    }

    internal void Apply(PmemEvent e, long sequence)
    {
        switch (e)
        {
            case PmemEvent.Store s:
                foreach (CrashUnit unit in Cut(s.Offset, s.Bytes, sequence))
                {
                    LineState line = Line(unit.Offset / PmemSimulator.LineSize);
                    line.Units.Add(unit);
                    if (s.NonTemporal)
                    {
                        // A non-temporal store evicts the line first, so everything before it in the line goes too.
                        line.Flushed = line.Units.Count;
                    }
                }

                break;
            case PmemEvent.Flush f when f.Length > 0:
                foreach (LineState line in LinesIn(f.Offset, f.Offset + f.Length))
                {
                    line.Flushed = line.Units.Count;
                }

                break;
            case PmemEvent.Fence:
                foreach ((long index, LineState line) in _lines.ToArray())
                {
                    Persist(line, line.Flushed);
                    if (line.Units.Count == 0)
                    {
                        _lines.Remove(index);
                    }
                }

                break;
            case PmemEvent.Msync m when m.Length > 0:
                foreach (LineState line in LinesIn(PmemSimulator.PageStart(m.Offset), PmemSimulator.PageEnd(m.Offset + m.Length)))
                {
                    Persist(line, line.Units.Count);
                }

                foreach (long empty in _lines.Where(kv => kv.Value.Units.Count == 0).Select(kv => kv.Key).ToArray())
                {
                    _lines.Remove(empty);
                }

                break;
        }
    }

    internal int PendingLineCount => _lines.Count;

    internal CrashState Snapshot(int eventCount) =>
        new(
            (byte[])_persisted.Clone(),
            _lines.Select(kv => new PendingLine(kv.Key, kv.Value.Units.ToArray(), kv.Value.Flushed)).ToArray(),
            eventCount);

    /// <summary>Cuts a store into units: whole aligned words, and single bytes elsewhere.</summary>
    internal static IEnumerable<CrashUnit> Cut(long offset, byte[] bytes, long sequence)
    {
        long end = offset + bytes.Length;
        long position = offset;
        while (position < end)
        {
            long wordEnd = (position & ~7L) + 8;
            if ((position & 7) == 0 && wordEnd <= end)
            {
                yield return new CrashUnit(position, bytes.AsSpan((int)(position - offset), 8).ToArray(), sequence);
                position += 8;
            }
            else
            {
                yield return new CrashUnit(position, [bytes[position - offset]], sequence);
                position++;
            }
        }
    }

    private LineState Line(long index)
    {
        if (!_lines.TryGetValue(index, out LineState? line))
        {
            line = new LineState();
            _lines.Add(index, line);
        }

        return line;
    }

    private IEnumerable<LineState> LinesIn(long start, long end)
    {
        long first = start / PmemSimulator.LineSize;
        long last = (end - 1) / PmemSimulator.LineSize;
        return _lines.Where(kv => kv.Key >= first && kv.Key <= last).Select(kv => kv.Value).ToArray();
    }

    private void Persist(LineState line, int count)
    {
        foreach (CrashUnit unit in line.Units.Take(count))
        {
            unit.Bytes.CopyTo(_persisted.AsSpan((int)unit.Offset));
        }

        line.Units.RemoveRange(0, count);
        line.Flushed = Math.Max(0, line.Flushed - count);
    }
}
