using System;
using System.Linq;

namespace Pmem.Bench;

/// <summary>Time ratios between two implementations of one cell, and when a ratio may be claimed.</summary>
internal static class Ratios
{
    /// <summary>
    /// The median of the per-round ratios <c>a[r] / b[r]</c> with its quartiles (both were timed in the same round,
    /// moments apart, so slow drifts of the machine cancel). Without per-round samples: the ratio of medians, its
    /// range from the two rows' quartiles (wider).
    /// </summary>
    public static Spread Of(ResultSet results, ResultRow a, ResultRow b)
    {
        if (results.Samples.TryGetValue((a.Operation, a.Size, a.Implementation), out double[]? sa)
            && results.Samples.TryGetValue((b.Operation, b.Size, b.Implementation), out double[]? sb)
            && sa.Length == sb.Length && sa.Length > 0)
        {
            return Spread.Of(sa.Zip(sb, (x, y) => x / y));
        }

        double median = a.Ns.Median / b.Ns.Median;
        double low = a.Ns.P25 / b.Ns.P75;
        double high = a.Ns.P75 / b.Ns.P25;
        return new Spread(median, low, high, low, high);
    }

    /// <summary>A ratio is claimed (faster or slower) only when its spread, the interquartile range, is smaller than its distance from 1.</summary>
    public static bool Claimed(Spread ratio) => Math.Abs(ratio.Median - 1) > ratio.P75 - ratio.P25;

    /// <summary><c>0.98× (0.97–0.99)</c>, bold when claimed.</summary>
    public static string Render(Spread ratio)
    {
        string value = Format.Ratio(ratio.Median) + "×";
        string text = Claimed(ratio) ? $"**{value}**" : value;
        return $"{text} ({Format.Ratio(ratio.P25)}–{Format.Ratio(ratio.P75)})";
    }
}
