using System;
using System.IO;
using System.Text.RegularExpressions;

namespace Pmem;

/// <summary>
/// Where a file or device sits in the nd (NVDIMM) sysfs tree, found without libndctl: the file's device number
/// (<c>st_dev</c> for a file, <c>st_rdev</c> for a device-DAX device) names <c>/sys/dev/block/M:m</c> or
/// <c>/sys/dev/char/M:m</c>, a link into <c>/sys/devices/…/ndbusN/regionN/&lt;namespace&gt;/…</c>. libpmem2's
/// <c>pmem2_region_namespace</c> walks libndctl's bus → region → namespace lists to the same place.
/// </summary>
/// <param name="Kind">fsdax, device DAX, or not pmem.</param>
/// <param name="Why">How the path was classified (for <see cref="PmemDeviceKind.NotPmem"/>: why not).</param>
/// <param name="Root">The sysfs root, symbolic links resolved.</param>
/// <param name="DeviceDirectory">The block device's (fsdax) or dax device's directory; null when not pmem.</param>
/// <param name="RegionDirectory">The <c>regionN</c> directory; null when not pmem.</param>
/// <param name="NamespaceDirectory">The region's child that holds the device (<c>namespaceN.M</c>, <c>pfnN.M</c>, <c>bttN.M</c>, <c>daxN.M</c>); null when not pmem.</param>
/// <param name="Size">The file's size (fsdax or not pmem) or the device's (device DAX, from sysfs); null when unreadable.</param>
internal sealed partial record NdTopology(
    PmemDeviceKind Kind,
    string Why,
    string Root,
    string? DeviceDirectory,
    string? RegionDirectory,
    string? NamespaceDirectory,
    long? Size)
{
    /// <summary>A directory or a path that cannot be stat'ed: a fact no source has.</summary>
    internal PmemDeviceFactStatus? Invalid { get; init; }

    internal string? RegionName => RegionDirectory is null ? null : Path.GetFileName(RegionDirectory);

    internal string? NamespaceName => NamespaceDirectory is null ? null : Path.GetFileName(NamespaceDirectory);

    internal static NdTopology Find(string path, string sysfsRoot)
    {
        string root = Interop.Libc.RealPath(sysfsRoot) ?? sysfsRoot;
        if (Interop.Libc.stat(path, out Interop.Libc.StatBuffer st) != 0)
        {
            int errno = System.Runtime.InteropServices.Marshal.GetLastPInvokeError();
            return new NdTopology(PmemDeviceKind.NotPmem, $"{path} cannot be stat'ed ({ErrnoTable.Name(errno)})", root, null, null, null, null)
            {
                Invalid = PmemDeviceFactStatus.Unreadable,
            };
        }

        uint type = st.st_mode & Interop.Libc.S_IFMT;
        if (type == Interop.Libc.S_IFDIR)
        {
            return new NdTopology(PmemDeviceKind.NotPmem, $"{path} is a directory (libpmem2: PMEM2_E_INVALID_FILE_TYPE)", root, null, null, null, null)
            {
                Invalid = PmemDeviceFactStatus.NotSupported,
            };
        }

        if (type == Interop.Libc.S_IFCHR)
        {
            return CharacterDevice(path, root, Interop.Libc.Major(st.st_rdev), Interop.Libc.Minor(st.st_rdev));
        }

        if (type != Interop.Libc.S_IFREG)
        {
            return new NdTopology(PmemDeviceKind.NotPmem, $"{path} is neither a regular file nor a character device (libpmem2: PMEM2_E_INVALID_FILE_TYPE)", root, null, null, null, null)
            {
                Invalid = PmemDeviceFactStatus.NotSupported,
            };
        }

        uint major = Interop.Libc.Major(st.st_dev);
        uint minor = Interop.Libc.Minor(st.st_dev);
        string link = Path.Combine(root, "dev", "block", $"{major}:{minor}");
        string? device = Interop.Libc.RealPath(link);
        if (device is null)
        {
            return NotPmem($"its file system is on device {major}:{minor}, which has no /sys/dev/block entry (tmpfs or another virtual file system, not an NVDIMM namespace)", root, st.st_size);
        }

        return InRegion(device, root, PmemDeviceKind.FsDax, st.st_size, $"{major}:{minor}");
    }

    private static NdTopology CharacterDevice(string path, string root, uint major, uint minor)
    {
        if (!DeviceDax.IsDeviceDax(root, major, minor))
        {
            return NotPmem($"{path} is character device {major}:{minor}, which is not device DAX", root, null);
        }

        string device = Interop.Libc.RealPath(Path.Combine(root, "dev", "char", $"{major}:{minor}"))!;
        long? size = DeviceDax.Describe(root, major, minor)?.Size;
        return InRegion(device, root, PmemDeviceKind.DeviceDax, size, $"{major}:{minor}");
    }

    private static NdTopology InRegion(string device, string root, PmemDeviceKind kind, long? size, string number)
    {
        string[] parts = device.Split('/');
        for (int i = 0; i < parts.Length - 1; i++)
        {
            if (RegionPattern().IsMatch(parts[i]))
            {
                string region = string.Join('/', parts[..(i + 1)]);
                string ns = string.Join('/', parts[..(i + 2)]);
                string what = kind == PmemDeviceKind.FsDax ? "block device" : "device-DAX device";
                return new NdTopology(kind, $"{what} {number} ({Path.GetFileName(device)}) is in nd {parts[i]}, {parts[i + 1]}", root, device, region, ns, size);
            }
        }

        return NotPmem($"device {number} ({SysfsText.Display(root, device)}) is not under an nd region, so not an NVDIMM namespace", root, size);
    }

    private static NdTopology NotPmem(string why, string root, long? size) =>
        new(PmemDeviceKind.NotPmem, why, root, null, null, null, size);

    [GeneratedRegex(@"^region\d+$")]
    private static partial Regex RegionPattern();
}
