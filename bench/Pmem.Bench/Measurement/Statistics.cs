using System;
using System.Collections.Generic;
using System.Linq;

namespace Pmem.Bench;

/// <summary>Median and quartiles of a small sample (linear interpolation between order statistics).</summary>
internal readonly record struct Spread(double Median, double P25, double P75, double Min, double Max)
{
    public static Spread Of(IEnumerable<double> values)
    {
        double[] sorted = values.OrderBy(v => v).ToArray();
        if (sorted.Length == 0)
        {
            return new Spread(double.NaN, double.NaN, double.NaN, double.NaN, double.NaN);
        }

        return new Spread(Quantile(sorted, 0.5), Quantile(sorted, 0.25), Quantile(sorted, 0.75), sorted[0], sorted[^1]);
    }

    /// <summary>Half the interquartile range relative to the median, e.g. 0.01 for ±1 %.</summary>
    public double RelativeHalfWidth => (P75 - P25) / 2 / Median;

    private static double Quantile(double[] sorted, double q)
    {
        double position = q * (sorted.Length - 1);
        int below = (int)Math.Floor(position);
        int above = Math.Min(below + 1, sorted.Length - 1);
        return sorted[below] + (sorted[above] - sorted[below]) * (position - below);
    }
}
