using System.Collections.Generic;
using System.IO;
using System.Runtime.InteropServices;

namespace Pmem;

/// <summary>Reads the bad blocks behind a <see cref="NdTopology"/> from sysfs and maps them into the file or device.</summary>
internal static class PmemBadBlockReader
{
    internal static PmemDeviceFact<IReadOnlyList<PmemBadBlock>> Read(NdTopology topology, string path)
    {
        if (topology.Invalid is { } invalid)
        {
            return PmemDeviceFact<IReadOnlyList<PmemBadBlock>>.Fail(invalid, topology.Why);
        }

        return topology.Kind switch
        {
            PmemDeviceKind.FsDax => FsDax(topology, path),
            PmemDeviceKind.DeviceDax => DeviceDaxBlocks(topology),
            _ => PmemDeviceFact<IReadOnlyList<PmemBadBlock>>.Fail(PmemDeviceFactStatus.NotPmemDevice, topology.Why),
        };
    }

    private static PmemDeviceFact<IReadOnlyList<PmemBadBlock>> FsDax(NdTopology topology, string path)
    {
        string root = topology.Root;
        string device = topology.DeviceDirectory!;
        long shift = 0;
        string disk = device;
        if (File.Exists(Path.Combine(device, "partition")))
        {
            PmemDeviceFact<long> start = SysfsText.ReadInt64(root, Path.Combine(device, "start"));
            if (!start.IsKnown || start.Value < 0)
            {
                return Fail(start.IsKnown ? PmemDeviceFactStatus.Malformed : start.Status, $"the partition's start: {start.Reason}");
            }

            shift = start.Value * BadBlockRanges.SectorSize;
            disk = Path.GetDirectoryName(device)!;
        }

        PmemDeviceFact<List<PmemBadBlock>> blocks = ReadList(root, Path.Combine(disk, "badblocks"));
        if (!blocks.IsKnown)
        {
            return blocks.As<IReadOnlyList<PmemBadBlock>>();
        }

        List<PmemBadBlock> onDevice = BadBlockRanges.ClipToNamespace(blocks.Value!, shift, long.MaxValue - shift);
        if (onDevice.Count == 0)
        {
            return PmemDeviceFact<IReadOnlyList<PmemBadBlock>>.Known(onDevice, blocks.Reason + ": none on this device");
        }

        int fd = Interop.Libc.open(path, Interop.Libc.O_RDONLY | Interop.Libc.O_CLOEXEC, 0);
        if (fd < 0)
        {
            return Fail(PmemDeviceFactStatus.Unreadable, $"{path} cannot be opened ({ErrnoTable.Name(Marshal.GetLastPInvokeError())})");
        }

        try
        {
            if (Interop.Libc.fstat(fd, out Interop.Libc.StatBuffer st) != 0)
            {
                return Fail(PmemDeviceFactStatus.Unreadable, $"fstat of {path} failed ({ErrnoTable.Name(Marshal.GetLastPInvokeError())})");
            }

            (List<FileExtent>? extents, int errno) = FileExtents.Read(fd);
            if (extents is null)
            {
                return Fail(PmemDeviceFactStatus.Unreadable, $"the file's extents cannot be read (FIEMAP: {ErrnoTable.Name(errno)})");
            }

            long blockSize = st.st_blksize > 0 && (st.st_blksize & (st.st_blksize - 1)) == 0 ? st.st_blksize : 4096;
            return PmemDeviceFact<IReadOnlyList<PmemBadBlock>>.Known(
                BadBlockRanges.ThroughExtents(onDevice, extents, blockSize),
                $"{blocks.Reason} through the file's {extents.Count} extent(s)");
        }
        finally
        {
            Interop.Libc.close(fd);
        }
    }

    private static PmemDeviceFact<IReadOnlyList<PmemBadBlock>> DeviceDaxBlocks(NdTopology topology)
    {
        string root = topology.Root;
        PmemDeviceFact<long> regionStart = SysfsText.ReadHex(root, Path.Combine(topology.RegionDirectory!, "resource"));
        PmemDeviceFact<long> start = SysfsText.ReadHex(root, Path.Combine(topology.NamespaceDirectory!, "resource"));
        PmemDeviceFact<long> size = SysfsText.ReadInt64(root, Path.Combine(topology.NamespaceDirectory!, "size"));
        foreach (PmemDeviceFact<long> f in (System.ReadOnlySpan<PmemDeviceFact<long>>)[regionStart, start, size])
        {
            if (!f.IsKnown)
            {
                return f.As<IReadOnlyList<PmemBadBlock>>();
            }
        }

        if (start.Value < regionStart.Value || size.Value < 0)
        {
            return Fail(PmemDeviceFactStatus.Malformed, $"{start.Reason} (0x{start.Value:x}, {size.Value} bytes) is not inside {regionStart.Reason} (0x{regionStart.Value:x})");
        }

        PmemDeviceFact<List<PmemBadBlock>> blocks = ReadList(root, Path.Combine(topology.RegionDirectory!, "badblocks"));
        return blocks.IsKnown
            ? PmemDeviceFact<IReadOnlyList<PmemBadBlock>>.Known(BadBlockRanges.ClipToNamespace(blocks.Value!, start.Value - regionStart.Value, size.Value), $"{blocks.Reason} clipped to {topology.NamespaceName}")
            : blocks.As<IReadOnlyList<PmemBadBlock>>();
    }

    private static PmemDeviceFact<List<PmemBadBlock>> ReadList(string root, string file)
    {
        string shown = SysfsText.Display(root, file);
        if (!File.Exists(file))
        {
            return PmemDeviceFact<List<PmemBadBlock>>.Fail(PmemDeviceFactStatus.NotSupported, $"{shown} does not exist");
        }

        if (!SysfsFile.TryRead(file, 64 * 1024, out string text, out int errno))
        {
            return PmemDeviceFact<List<PmemBadBlock>>.Fail(PmemDeviceFactStatus.Unreadable, $"{shown} cannot be read ({ErrnoTable.Name(errno)})");
        }

        List<PmemBadBlock>? blocks = BadBlockRanges.Parse(text);
        return blocks is null
            ? PmemDeviceFact<List<PmemBadBlock>>.Fail(PmemDeviceFactStatus.Malformed, $"{shown} is not lines of 'sector count'")
            : PmemDeviceFact<List<PmemBadBlock>>.Known(blocks, shown);
    }

    private static PmemDeviceFact<IReadOnlyList<PmemBadBlock>> Fail(PmemDeviceFactStatus status, string reason) =>
        PmemDeviceFact<IReadOnlyList<PmemBadBlock>>.Fail(status, reason);
}
