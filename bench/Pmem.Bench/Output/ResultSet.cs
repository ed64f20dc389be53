using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;

namespace Pmem.Bench;

/// <summary>One row of the summary CSV.</summary>
internal sealed record ResultRow(
    string Operation,
    long Size,
    string Implementation,
    Role Role,
    Spread Ns,
    int Rounds,
    long OpsPerBatch,
    double AllocatedBytesPerOp)
{
    /// <summary>Decimal GB/s (bytes per ns) at the median.</summary>
    public double GigabytesPerSecond => Size / Ns.Median;
}

/// <summary>
/// A run's results on disk: <c>NAME.csv</c> (one row per operation × size × implementation),
/// <c>NAME.samples.csv</c> (every timed batch, for same-round ratios) and <c>NAME.machine.txt</c>.
/// </summary>
internal sealed class ResultSet
{
    public const string Header = "operation,size_bytes,implementation,ns_per_op,gb_per_s,ns_p25,ns_p75,ns_min,ns_max,batches,ops_per_batch,alloc_bytes_per_op,role";
    private const string SamplesHeader = "operation,size_bytes,implementation,round,ns_per_op";

    private ResultSet(string csvPath, IReadOnlyList<ResultRow> rows, IReadOnlyDictionary<(string, long, string), double[]> samples, IReadOnlyList<KeyValuePair<string, string>> machine)
    {
        CsvPath = csvPath;
        Rows = rows;
        Samples = samples;
        Machine = machine;
    }

    public string CsvPath { get; }

    public IReadOnlyList<ResultRow> Rows { get; }

    /// <summary>ns per operation of each round, by (operation, size, implementation).</summary>
    public IReadOnlyDictionary<(string Operation, long Size, string Implementation), double[]> Samples { get; }

    public IReadOnlyList<KeyValuePair<string, string>> Machine { get; }

    public string? MachineValue(string key) => Machine.FirstOrDefault(p => p.Key == key).Value;

    public static string SamplesPath(string csvPath) => Path.ChangeExtension(csvPath, ".samples.csv");

    public static string MachinePath(string csvPath) => Path.ChangeExtension(csvPath, ".machine.txt");

    public static void Write(string csvPath, IReadOnlyList<Measurement> measurements, IReadOnlyList<KeyValuePair<string, string>> machine)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(csvPath))!);
        var ci = CultureInfo.InvariantCulture;
        using (var w = new StreamWriter(csvPath))
        {
            w.WriteLine(Header);
            foreach (Measurement m in measurements)
            {
                Spread s = m.Spread;
                w.WriteLine(Csv.Line(
                    m.Operation, m.Size, m.Implementation, s.Median.ToString("0.###", ci), (m.Size / s.Median).ToString("0.####", ci),
                    s.P25.ToString("0.###", ci), s.P75.ToString("0.###", ci), s.Min.ToString("0.###", ci), s.Max.ToString("0.###", ci),
                    m.NsPerOp.Count, m.OpsPerBatch, m.AllocatedBytesPerOp.ToString("0.###", ci), m.Role));
            }
        }

        using (var w = new StreamWriter(SamplesPath(csvPath)))
        {
            w.WriteLine(SamplesHeader);
            foreach (Measurement m in measurements)
            {
                for (int round = 0; round < m.NsPerOp.Count; round++)
                {
                    w.WriteLine(Csv.Line(m.Operation, m.Size, m.Implementation, round, m.NsPerOp[round].ToString("0.###", ci)));
                }
            }
        }

        File.WriteAllLines(MachinePath(csvPath), machine.Select(p => $"{p.Key}: {p.Value}"));
    }

    public static ResultSet Load(string csvPath)
    {
        var ci = CultureInfo.InvariantCulture;
        string[] lines = File.ReadAllLines(csvPath);
        if (lines.Length == 0 || lines[0] != Header)
        {
            throw new InvalidDataException($"{csvPath}: the first line is not the expected header");
        }

        var rows = new List<ResultRow>();
        foreach (string line in lines.Skip(1).Where(l => l.Length > 0))
        {
            List<string> f = Csv.Split(line);
            rows.Add(new ResultRow(
                f[0], long.Parse(f[1], ci), f[2], Enum.Parse<Role>(f[12]),
                new Spread(double.Parse(f[3], ci), double.Parse(f[5], ci), double.Parse(f[6], ci), double.Parse(f[7], ci), double.Parse(f[8], ci)),
                int.Parse(f[9], ci), long.Parse(f[10], ci), double.Parse(f[11], ci)));
        }

        var samples = new Dictionary<(string, long, string), double[]>();
        string samplesPath = SamplesPath(csvPath);
        if (File.Exists(samplesPath))
        {
            foreach (var group in File.ReadAllLines(samplesPath).Skip(1).Where(l => l.Length > 0).Select(Csv.Split)
                .GroupBy(f => (f[0], long.Parse(f[1], ci), f[2])))
            {
                samples[group.Key] = group.OrderBy(f => int.Parse(f[3], ci)).Select(f => double.Parse(f[4], ci)).ToArray();
            }
        }

        var machine = new List<KeyValuePair<string, string>>();
        string machinePath = MachinePath(csvPath);
        if (File.Exists(machinePath))
        {
            foreach (string line in File.ReadAllLines(machinePath))
            {
                int colon = line.IndexOf(": ", StringComparison.Ordinal);
                if (colon > 0)
                {
                    machine.Add(new(line[..colon], line[(colon + 2)..]));
                }
            }
        }

        return new ResultSet(csvPath, rows, samples, machine);
    }
}
