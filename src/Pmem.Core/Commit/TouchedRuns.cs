using System;
using System.Diagnostics;

namespace Pmem;

/// <summary>
/// The units (cache lines or pages) one barrier group touched, as half-open runs <c>[start, stop)</c>;
/// <see cref="Merge"/> sorts and merges them so that each unit is flushed (or msync'd) once, by one call per
/// contiguous run.
/// </summary>
/// <remarks>Arrays grow by doubling and are reused across commits: adding runs allocates nothing once warm.</remarks>
internal sealed class TouchedRuns
{
    private long[] _starts = new long[64];
    private long[] _stops = new long[64];
    private int _count;
    private bool _sorted = true;

    /// <summary>The number of runs held (maximal after <see cref="Merge"/>).</summary>
    public int Count => _count;

    /// <summary>
    /// Adds units <c>[first, last]</c>. A run that starts inside or right after the previous one (consecutive writes)
    /// is merged into it at once.
    /// </summary>
    public void Add(long first, long last)
    {
        Debug.Assert(first <= last, "a run holds at least one unit");
        int n = _count;
        if (n > 0 && first >= _starts[n - 1] && first <= _stops[n - 1])
        {
            _stops[n - 1] = Math.Max(_stops[n - 1], last + 1);
            return;
        }

        if (n == _starts.Length)
        {
            Array.Resize(ref _starts, n * 2);
            Array.Resize(ref _stops, n * 2);
        }

        if (n > 0 && first < _starts[n - 1])
        {
            _sorted = false;
        }

        _starts[n] = first;
        _stops[n] = last + 1;
        _count = n + 1;
    }

    /// <summary>Forgets every run.</summary>
    public void Clear()
    {
        _count = 0;
        _sorted = true;
    }

    /// <summary>
    /// Sorts the runs and merges overlapping and adjacent ones in place; returns how many maximal runs remain, in
    /// ascending order. Runs added in ascending order are already maximal (<see cref="Add"/> merged them), so only an
    /// out-of-order group pays for the sort.
    /// </summary>
    public int Merge()
    {
        if (!_sorted)
        {
            MemoryExtensions.Sort(_starts.AsSpan(0, _count), _stops.AsSpan(0, _count));
            _sorted = true;
            int merged = 0;
            for (int i = 1; i < _count; i++)
            {
                if (_starts[i] <= _stops[merged])
                {
                    _stops[merged] = Math.Max(_stops[merged], _stops[i]);
                }
                else
                {
                    merged++;
                    _starts[merged] = _starts[i];
                    _stops[merged] = _stops[i];
                }
            }

            _count = merged + 1;
        }

        return _count;
    }

    /// <summary>The first unit of run <paramref name="i"/>.</summary>
    public long Start(int i) => _starts[i];

    /// <summary>The unit after the last of run <paramref name="i"/>.</summary>
    public long Stop(int i) => _stops[i];
}
