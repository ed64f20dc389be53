using System;
using System.IO;
using System.Linq;

namespace Pmem;

/// <summary>
/// eADR detection, as libpmem2's <c>pmem2_auto_flush</c> does it: the platform flushes CPU caches on power
/// failure only if every NVDIMM region under <c>/sys/bus/nd/devices</c> reports <c>cpu_cache</c> as its
/// persistence domain.
/// </summary>
internal static class AutoFlush
{
    private const string CpuCache = "cpu_cache";

    /// <summary>1 when every region is <c>cpu_cache</c>; 0 when there is no bus, no region, or another domain; -1 on read errors.</summary>
    internal static (int Result, string Reason) Detect(string sysfsRoot)
    {
        string bus = Path.Combine(sysfsRoot, "bus", "nd", "devices");
        if (!Directory.Exists(bus))
        {
            return (0, $"no {DisplayPath(sysfsRoot, bus)}: no NVDIMM bus, so no eADR");
        }

        string[] regions;
        try
        {
            regions = Directory.EnumerateFileSystemEntries(bus)
                .Where(p => Path.GetFileName(p).Contains("region", StringComparison.Ordinal) && new FileInfo(p).LinkTarget is not null)
                .Order(StringComparer.Ordinal)
                .ToArray();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return (-1, $"cannot list {DisplayPath(sysfsRoot, bus)}: {e.Message}");
        }

        if (regions.Length == 0)
        {
            return (0, "no nd regions, so no eADR");
        }

        foreach (string region in regions)
        {
            string name = Path.GetFileName(region);
            string domainFile = Path.Combine(region, "persistence_domain");
            if (!File.Exists(domainFile))
            {
                return (0, $"{name} has no persistence_domain, so no eADR");
            }

            if (!SysfsFile.TryRead(domainFile, 32, out string value, out int errno))
            {
                // libpmem treats an unopenable domain file as "not cpu_cache" and a failed read as an error.
                return (0, $"{name}/persistence_domain cannot be opened ({ErrnoTable.Name(errno)}), so no eADR");
            }

            if (value.Length == 0)
            {
                return (-1, $"{name}/persistence_domain is empty");
            }

            if (value[^1] != '\n')
            {
                return (-1, $"{name}/persistence_domain is malformed (no trailing newline)");
            }

            string domain = value[..^1];
            if (domain != CpuCache)
            {
                return (0, $"{name} persistence domain is '{domain}', not {CpuCache}");
            }
        }

        return (1, $"all {regions.Length} nd region(s) report persistence domain {CpuCache} (eADR)");
    }

    private static string DisplayPath(string sysfsRoot, string path) =>
        "/sys" + path[sysfsRoot.TrimEnd('/').Length..];
}
