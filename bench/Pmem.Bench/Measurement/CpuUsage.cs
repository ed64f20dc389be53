using System;
using System.Globalization;
using System.IO;
using System.Linq;

namespace Pmem.Bench;

/// <summary>
/// How busy the machine was during the run, from /proc/stat and /proc/self/stat: the share of all CPUs used by
/// other processes (the noise that matters on a shared machine), by this process, and stolen by the hypervisor.
/// </summary>
internal sealed class CpuUsage
{
    private readonly long[] _start;
    private readonly long _selfStart;

    private CpuUsage(long[] start, long selfStart)
    {
        _start = start;
        _selfStart = selfStart;
    }

    public static CpuUsage Start() => new(ReadSystem(), ReadSelf());

    /// <summary>e.g. "other processes 12% of 2 CPUs, this bench 49%, steal 0.3%", or "unknown" without /proc.</summary>
    public string Describe()
    {
        long[] end = ReadSystem();
        if (end.Length < 8 || _start.Length < 8)
        {
            return "unknown";
        }

        long[] delta = end.Zip(_start, (e, s) => e - s).ToArray();
        long total = delta.Take(8).Sum();
        if (total <= 0)
        {
            return "unknown";
        }

        // user nice system idle iowait irq softirq steal
        long idle = delta[3] + delta[4];
        long steal = delta[7];
        long busy = total - idle - steal;
        long self = ReadSelf() - _selfStart;
        double Share(long ticks) => 100.0 * ticks / total;
        return string.Create(CultureInfo.InvariantCulture,
            $"other processes {Share(Math.Max(busy - self, 0)):0}% of {Environment.ProcessorCount} CPUs, this bench {Share(self):0}%, hypervisor steal {Share(steal):0.0}%");
    }

    private static long[] ReadSystem()
    {
        string? line = File.Exists("/proc/stat") ? File.ReadLines("/proc/stat").FirstOrDefault() : null;
        return line is null || !line.StartsWith("cpu ", StringComparison.Ordinal)
            ? []
            : line.Split(' ', StringSplitOptions.RemoveEmptyEntries).Skip(1).Select(f => long.Parse(f, CultureInfo.InvariantCulture)).ToArray();
    }

    private static long ReadSelf()
    {
        if (!File.Exists("/proc/self/stat"))
        {
            return 0;
        }

        // Fields after the parenthesised command name; utime and stime are fields 14 and 15 of the whole line.
        string stat = File.ReadAllText("/proc/self/stat");
        string[] f = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        return long.Parse(f[11], CultureInfo.InvariantCulture) + long.Parse(f[12], CultureInfo.InvariantCulture);
    }
}
