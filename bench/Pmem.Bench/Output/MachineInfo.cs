using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Runtime.InteropServices;

namespace Pmem.Bench;

/// <summary>The facts about the machine and the run that the numbers depend on, as (key, value) pairs.</summary>
internal static class MachineInfo
{
    private static readonly string[] s_pmemFlags =
        ["clflush", "clflushopt", "clwb", "sse2", "avx", "avx2", "avx512f", "avx512bw", "avx512vl", "movdir64b", "movdiri", "hypervisor"];

    public static string LoadAverage() => ReadFirstLine("/proc/loadavg") is { } l ? string.Join(' ', l.Split(' ').Take(3)) : "unknown";

    public static List<KeyValuePair<string, string>> Describe()
    {
        var facts = new List<KeyValuePair<string, string>>();
        void Add(string key, string? value) => facts.Add(new(key, value ?? "unknown"));

        string[] cpuinfo = File.Exists("/proc/cpuinfo") ? File.ReadAllLines("/proc/cpuinfo") : [];
        Add("cpu", CpuField(cpuinfo, "model name"));
        Add("cpu vendor", CpuField(cpuinfo, "vendor_id"));
        HashSet<string> flags = (CpuField(cpuinfo, "flags") ?? "").Split(' ', StringSplitOptions.RemoveEmptyEntries).ToHashSet();
        Add("cpu flags (pmem-relevant)", string.Join(' ', s_pmemFlags.Where(flags.Contains)));
        Add("logical cpus", Environment.ProcessorCount.ToString(System.Globalization.CultureInfo.InvariantCulture));
        Add("l3 cache", ReadFirstLine("/sys/devices/system/cpu/cpu0/cache/index3/size") is { } l3 && l3.EndsWith('K') && int.TryParse(l3[..^1], out int kib)
            ? (kib % 1024 == 0 ? $"{kib / 1024} MiB" : $"{kib} KiB")
            : null);
        Add("memory", ReadField("/proc/meminfo", "MemTotal"));
        Add("kernel", ReadFirstLine("/proc/sys/kernel/osrelease"));
        Add("os", ReadField("/etc/os-release", "PRETTY_NAME")?.Trim('"'));
        Add(".net", RuntimeInformation.FrameworkDescription);
        PmemCapabilities caps = PmemCapabilities.Current;
        Add("pmem flush", $"{caps.Flush} ({caps.FlushReason})");
        Add("pmem fence", caps.Fence);
        Add("pmem copy isa", $"{caps.CopyIsa} ({caps.CopyIsaReason})");
        Add("pmem nt threshold", $"{caps.NonTemporalThreshold} B ({caps.NonTemporalThresholdReason})");
        Add("pmem auto flush", caps.AutoFlush.ToString(System.Globalization.CultureInfo.InvariantCulture));
        return facts;
    }

    /// <summary>The file system type of the mount that holds <paramref name="path"/> (longest mount-point prefix in /proc/mounts).</summary>
    public static string FileSystemOf(string path)
    {
        if (!File.Exists("/proc/mounts"))
        {
            return "unknown";
        }

        string full = Path.GetFullPath(path);
        return File.ReadAllLines("/proc/mounts")
            .Select(l => l.Split(' '))
            .Where(f => f.Length > 2 && (full == f[1] || full.StartsWith(f[1].TrimEnd('/') + "/", StringComparison.Ordinal)))
            .OrderByDescending(f => f[1].Length)
            .Select(f => f[2])
            .FirstOrDefault() ?? "unknown";
    }

    private static string? CpuField(string[] cpuinfo, string name) =>
        cpuinfo.Where(l => l.StartsWith(name, StringComparison.Ordinal) && l.Contains(':'))
            .Select(l => l[(l.IndexOf(':') + 1)..].Trim())
            .FirstOrDefault();

    private static string? ReadField(string path, string name) =>
        File.Exists(path)
            ? File.ReadAllLines(path)
                .Where(l => l.StartsWith(name, StringComparison.Ordinal))
                .Select(l => l[(l.IndexOfAny([':', '=']) + 1)..].Trim())
                .FirstOrDefault()
            : null;

    private static string? ReadFirstLine(string path) => File.Exists(path) ? File.ReadLines(path).FirstOrDefault()?.Trim() : null;
}
