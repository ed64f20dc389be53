using System;
using System.IO;
using System.Text.RegularExpressions;

namespace Pmem;

/// <summary>A device-DAX character device as sysfs describes it.</summary>
/// <param name="Size">The device size in bytes (<c>/sys/dev/char/M:m/size</c>).</param>
/// <param name="Alignment">The device's mapping alignment in bytes (2 MiB when sysfs does not say).</param>
/// <param name="RegionId">The nd region the device belongs to, for deep flush; <see langword="null"/> when unknown.</param>
internal sealed record DeviceDaxInfo(long Size, long Alignment, int? RegionId);

/// <summary>Device-DAX detection through sysfs only (no libndctl), as libpmem's <c>util_file_get_type</c> does.</summary>
internal static partial class DeviceDax
{
    private const long DefaultAlignment = 2L << 20;

    /// <summary>True when <c>/sys/dev/char/M:m/subsystem</c> resolves to the dax class or bus.</summary>
    internal static bool IsDeviceDax(string sysfsRoot, uint major, uint minor)
    {
        string subsystem = Path.Combine(CharDeviceDirectory(sysfsRoot, major, minor), "subsystem");
        string? resolved = Resolve(subsystem);
        if (resolved is null)
        {
            return false;
        }

        string root = Interop.Libc.RealPath(sysfsRoot) ?? sysfsRoot;
        return resolved == root + "/class/dax" || resolved == root + "/bus/dax";
    }

    /// <summary>Size, alignment and region of a device already known to be device DAX; <see langword="null"/> when the size cannot be read.</summary>
    internal static DeviceDaxInfo? Describe(string sysfsRoot, uint major, uint minor)
    {
        string dir = CharDeviceDirectory(sysfsRoot, major, minor);
        long? size = SysfsFile.TryReadInt64(Path.Combine(dir, "size"));
        if (size is null or < 0)
        {
            return null;
        }

        long alignment = SysfsFile.TryReadInt64(Path.Combine(dir, "align"))
            ?? SysfsFile.TryReadInt64(Path.Combine(dir, "device", "align"))
            ?? DefaultAlignment;

        int? region = null;
        if (Resolve(Path.Combine(dir, "device")) is { } devicePath)
        {
            foreach (string part in devicePath.Split('/'))
            {
                Match m = RegionName().Match(part);
                if (m.Success)
                {
                    region = int.Parse(m.Groups[1].ValueSpan, System.Globalization.CultureInfo.InvariantCulture);
                }
            }
        }

        return new DeviceDaxInfo(size.Value, Math.Max(alignment, 4096), region);
    }

    private static string CharDeviceDirectory(string sysfsRoot, uint major, uint minor) =>
        Path.Combine(sysfsRoot, "dev", "char", $"{major}:{minor}");

    private static string? Resolve(string path) => Interop.Libc.RealPath(path);

    [GeneratedRegex(@"^region(\d+)$")]
    private static partial Regex RegionName();
}
