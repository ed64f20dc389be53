using System;
using System.Collections.Generic;
using System.Linq;
using ScottPlot;

namespace Pmem.Bench;

/// <summary>GB/s against size (log scale), one line per implementation, one panel per operation, drawn with ScottPlot.</summary>
internal static class PerfChart
{
    private const int PanelWidth = 900;
    private const int PanelHeight = 620;

    /// <summary>Draws the chart; returns false (and writes nothing) when no operation has a bandwidth curve.</summary>
    public static bool Write(ResultSet results, string path)
    {
        string[] operations = results.Rows
            .Where(r => !r.Operation.StartsWith("scattered", StringComparison.Ordinal) && !r.Operation.StartsWith("msync", StringComparison.Ordinal))
            .Select(r => r.Operation)
            .Distinct()
            .ToArray();
        if (operations.Length == 0)
        {
            return false;
        }

        // One colour per implementation across every panel (Category20 pairs dark and light shades: take the dark ones first).
        var palette = new ScottPlot.Palettes.Category20();
        Dictionary<string, Color> colours = results.Rows
            .OrderBy(r => r.Role)
            .Select(r => r.Implementation)
            .Distinct()
            .Select((name, i) => (name, colour: palette.GetColor(i < 10 ? 2 * i : 2 * (i - 10) + 1)))
            .ToDictionary(p => p.name, p => p.colour);

        int columns = operations.Length == 1 ? 1 : 2;
        int rows = (operations.Length + columns - 1) / columns;
        var multiplot = new Multiplot();
        multiplot.AddPlots(operations.Length);
        multiplot.Layout = new ScottPlot.MultiplotLayouts.Grid(rows, columns);
        for (int i = 0; i < operations.Length; i++)
        {
            Plot plot = multiplot.GetPlot(i);
            ResultRow[] opRows = results.Rows.Where(r => r.Operation == operations[i]).ToArray();
            foreach (var group in opRows.OrderBy(r => r.Role).GroupBy(r => r.Implementation))
            {
                ResultRow[] points = group.OrderBy(r => r.Size).ToArray();
                var line = plot.Add.Scatter(
                    points.Select(r => Math.Log2(r.Size)).ToArray(),
                    points.Select(r => r.GigabytesPerSecond).ToArray(),
                    colours[group.Key]);
                line.LegendText = group.Key;
                line.LineWidth = group.First().Role is Role.Pmem or Role.Baseline ? 3 : 1.5f;
                line.MarkerSize = 6;
                if (group.First().Role is Role.Ceiling or Role.Reference)
                {
                    line.LinePattern = LinePattern.Dashed;
                }
            }

            long[] sizes = opRows.Select(r => r.Size).Distinct().Order().ToArray();
            plot.Axes.Bottom.TickGenerator = new ScottPlot.TickGenerators.NumericManual(
                sizes.Select(s => Math.Log2(s)).ToArray(),
                sizes.Select(Format.Size).ToArray());
            // Scaled to the durable implementations: references (dashed) that make nothing durable may leave the top.
            plot.Axes.SetLimitsY(0, opRows.Where(r => r.Role != Role.Reference).Max(r => r.GigabytesPerSecond) * 1.12);
            plot.Title(operations[i] + " (dashed: ceilings and references, which may leave the top)");
            plot.XLabel("bytes per operation (log scale)");
            plot.YLabel("GB/s (decimal)");
            plot.ShowLegend(Alignment.UpperLeft);
            plot.Legend.FontSize = 11;
        }

        multiplot.SavePng(path, PanelWidth * columns, PanelHeight * rows);
        return true;
    }
}
