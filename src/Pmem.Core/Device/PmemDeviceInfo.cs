using System;
using System.Collections.Generic;
using System.IO;
using System.Runtime.InteropServices;
using System.Text;

namespace Pmem;

/// <summary>
/// Facts about the NVDIMM behind a file or device-DAX path, read from sysfs without ndctl, as libpmem2's
/// <c>pmem2_source_device_id</c>, <c>pmem2_source_device_usc</c>, <c>pmem2_source_numa_node</c>,
/// <c>pmem2_source_alignment</c>, <c>pmem2_source_size</c> and <c>pmem2_badblock_*</c> give them. Every fact is a
/// <see cref="PmemDeviceFact{T}"/>: a value, or a status and the reason there is none (a path that is not pmem is an
/// answer, not an exception).
/// </summary>
/// <remarks>
/// <para>Reading facts changes nothing and makes nothing durable. Applications compare <see cref="DeviceId"/> and
/// <see cref="UnsafeShutdownCount"/> with the values they stored at the last clean shutdown: the same id with a
/// higher count means the DIMM lost power without flushing, so data written since the last drain may be lost.</para>
/// <para>Facts are read once, when the object is made; <see cref="BadBlocks()"/> reads the current list each time.</para>
/// </remarks>
public sealed class PmemDeviceInfo
{
    private readonly NdTopology _topology;

    private PmemDeviceInfo(string path, NdTopology topology)
    {
        Path = path;
        _topology = topology;
        DeviceId = Require(RegionDimms.DeviceId);
        UnsafeShutdownCount = Require(RegionDimms.UnsafeShutdownCount);
        NumaNode = Require(ReadNumaNode);
        Alignment = ReadAlignment();
        Size = topology.Invalid is { } invalid
            ? PmemDeviceFact<long>.Fail(invalid, topology.Why)
            : topology.Size is long size
                ? PmemDeviceFact<long>.Known(size, topology.Kind == PmemDeviceKind.DeviceDax ? "the device's sysfs size" : "the file's size (fstat)")
                : PmemDeviceFact<long>.Fail(PmemDeviceFactStatus.Unreadable, "the device's sysfs size cannot be read");
    }

    /// <summary>The path the facts are about.</summary>
    public string Path { get; }

    /// <summary>fsdax, device DAX, or not pmem.</summary>
    public PmemDeviceKind Kind => _topology.Kind;

    /// <summary>How <see cref="Kind"/> was found (for <see cref="PmemDeviceKind.NotPmem"/>: why it is not pmem).</summary>
    public string KindReason => _topology.Why;

    /// <summary>The nd region (<c>regionN</c>) holding the namespace, or <see langword="null"/> when not pmem.</summary>
    public string? Region => _topology.RegionName;

    /// <summary>The region's child that holds the device (<c>namespaceN.M</c>, <c>pfnN.M</c>, <c>daxN.M</c> …), or <see langword="null"/>.</summary>
    public string? Namespace => _topology.NamespaceName;

    /// <summary><c>pmem2_source_device_id</c>: the unique ids of the region's DIMMs, concatenated.</summary>
    public PmemDeviceFact<string> DeviceId { get; }

    /// <summary><c>pmem2_source_device_usc</c>: the sum of the region's DIMMs' unsafe (dirty) shutdown counts.</summary>
    public PmemDeviceFact<ulong> UnsafeShutdownCount { get; }

    /// <summary><c>pmem2_source_numa_node</c>: the region's NUMA node (-1 when the platform does not say).</summary>
    public PmemDeviceFact<int> NumaNode { get; }

    /// <summary><c>pmem2_source_alignment</c>: the alignment a mapping's offset and length need (the page size for files, the device's <c>align</c> for device DAX).</summary>
    public PmemDeviceFact<long> Alignment { get; }

    /// <summary><c>pmem2_source_size</c>: the file's size, or the device-DAX device's.</summary>
    public PmemDeviceFact<long> Size { get; }

    /// <summary>The facts about the file or device at <paramref name="path"/>.</summary>
    /// <param name="path">A file (on any file system) or a device-DAX character device.</param>
    /// <returns>The facts; never throws for a path that is not pmem or does not exist (the facts say so).</returns>
    public static PmemDeviceInfo ForPath(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        return ForPath(path, PmemOptions.Current.SysfsRoot);
    }

    /// <summary>The facts about the file or device a mapping was made from.</summary>
    /// <remarks>
    /// The facts are the whole file's: bad blocks are in file offsets, so those inside the mapping are the ones in
    /// <c>[mapping.FileOffset, mapping.FileOffset + mapping.Length)</c> (<see cref="BadBlocks(long, long)"/>).
    /// </remarks>
    /// <param name="mapping">A mapping made by <see cref="PmemFile"/> or <see cref="PmemSource"/>.</param>
    /// <returns>The facts; for a mapping without a path (a temporary file, a handle, anonymous memory) every fact says so.</returns>
    public static PmemDeviceInfo ForMapping(PmemMapping mapping)
    {
        ArgumentNullException.ThrowIfNull(mapping);
        return mapping.Path is { } path
            ? ForPath(path)
            : new PmemDeviceInfo(mapping.IsAnonymous ? "(anonymous)" : "(temporary file or handle)", new NdTopology(PmemDeviceKind.NotPmem,
                mapping.IsAnonymous ? "the mapping is anonymous memory" : "the mapping has no path (a temporary file or a handle)", "/sys", null, null, null, mapping.Length)
            {
                Invalid = PmemDeviceFactStatus.NotSupported,
            });
    }

    internal static PmemDeviceInfo ForPath(string path, string sysfsRoot) => new(path, NdTopology.Find(path, sysfsRoot));

    /// <summary>The bad blocks of the whole file or device, in file offsets (<c>pmem2_badblock_context_new</c> + <c>pmem2_badblock_next</c>).</summary>
    /// <returns>The blocks in file order (an empty list when there are none), or why they cannot be listed.</returns>
    /// <remarks>
    /// fsdax: the namespace block device's <c>badblocks</c> (512-byte sectors; for a partition, the disk's, shifted by
    /// its <c>start</c>), translated into file offsets through the file's extents (FIEMAP) and widened to whole
    /// file-system blocks. Device DAX: the region's <c>badblocks</c>, clipped to the device's <c>resource</c> range.
    /// </remarks>
    public PmemDeviceFact<IReadOnlyList<PmemBadBlock>> BadBlocks() => PmemBadBlockReader.Read(_topology, Path);

    /// <summary>The bad blocks that intersect <c>[offset, offset + length)</c> of the file or device (a mapping's range), clipped to it.</summary>
    /// <param name="offset">First byte of the range, from the start of the file.</param>
    /// <param name="length">Bytes in the range.</param>
    /// <returns>The blocks, or why they cannot be listed.</returns>
    public PmemDeviceFact<IReadOnlyList<PmemBadBlock>> BadBlocks(long offset, long length)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(offset);
        ArgumentOutOfRangeException.ThrowIfNegative(length);
        PmemDeviceFact<IReadOnlyList<PmemBadBlock>> all = BadBlocks();
        return all.IsKnown
            ? PmemDeviceFact<IReadOnlyList<PmemBadBlock>>.Known(BadBlockRanges.Within(all.Value!, offset, length), all.Reason)
            : all;
    }

    /// <summary>
    /// Clears a bad block as <c>pmem2_badblock_clear</c> does for fsdax: punches a hole over it
    /// (<c>FALLOC_FL_PUNCH_HOLE</c>) and allocates fresh blocks (<c>fallocate</c>), so the range reads as zeros from
    /// healthy media. Device DAX cannot be cleared this way (it needs the nd bus's ARS clear-error commands, which
    /// libpmem2 sends through ndctl and Pmem does not).
    /// </summary>
    /// <param name="block">A block from <see cref="BadBlocks()"/>.</param>
    /// <returns>The bytes reallocated, or why nothing was done.</returns>
    /// <remarks>The block's old contents are gone (zeros). The new allocation is metadata of the file system; call
    /// fsync on the file before relying on it after a crash.</remarks>
    public PmemDeviceFact<long> ClearBadBlock(PmemBadBlock block)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(block.Offset);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(block.Length);
        return Kind switch
        {
            PmemDeviceKind.NotPmem => PmemDeviceFact<long>.Fail(PmemDeviceFactStatus.NotPmemDevice, KindReason),
            PmemDeviceKind.DeviceDax => PmemDeviceFact<long>.Fail(PmemDeviceFactStatus.NotSupported, "device DAX bad blocks are cleared by the nd bus's ARS clear-error command (libpmem2 sends it through ndctl, as root); Pmem does not, use 'ndctl clear-errors' or 'daxctl'"),
            _ => PunchAndReallocate(block),
        };
    }

    /// <summary>Every fact, one per line.</summary>
    /// <returns>The report.</returns>
    public override string ToString()
    {
        var sb = new StringBuilder();
        sb.AppendLine($"{Path}: {Kind} ({KindReason})");
        Line("device id", DeviceId);
        Line("unsafe shutdowns", UnsafeShutdownCount);
        Line("numa node", NumaNode);
        Line("alignment", Alignment);
        Line("size", Size);
        return sb.ToString();

        void Line<T>(string name, PmemDeviceFact<T> fact) =>
            sb.AppendLine(fact.IsKnown ? $"  {name,-17}{fact.Value} ({fact.Reason})" : $"  {name,-17}{fact.Status}: {fact.Reason}");
    }

    private PmemDeviceFact<T> Require<T>(Func<NdTopology, PmemDeviceFact<T>> read) =>
        _topology.Invalid is { } invalid
            ? PmemDeviceFact<T>.Fail(invalid, _topology.Why)
            : _topology.Kind == PmemDeviceKind.NotPmem
                ? PmemDeviceFact<T>.Fail(PmemDeviceFactStatus.NotPmemDevice, _topology.Why)
                : read(_topology);

    private static PmemDeviceFact<int> ReadNumaNode(NdTopology topology)
    {
        PmemDeviceFact<long> node = SysfsText.ReadInt64(topology.Root, System.IO.Path.Combine(topology.RegionDirectory!, "numa_node"));
        return !node.IsKnown
            ? node.As<int>()
            : node.Value is < -1 or > int.MaxValue
                ? PmemDeviceFact<int>.Fail(PmemDeviceFactStatus.Malformed, $"{node.Reason} holds {node.Value}, not a NUMA node")
                : PmemDeviceFact<int>.Known((int)node.Value, node.Reason);
    }

    private PmemDeviceFact<long> ReadAlignment()
    {
        if (_topology.Invalid is { } invalid)
        {
            return PmemDeviceFact<long>.Fail(invalid, _topology.Why);
        }

        if (Kind != PmemDeviceKind.DeviceDax)
        {
            return PmemDeviceFact<long>.Known(Interop.Libc.getpagesize(), "the page size: files map at page granularity");
        }

        string device = _topology.DeviceDirectory!;
        foreach (string candidate in (ReadOnlySpan<string>)[System.IO.Path.Combine(device, "align"), System.IO.Path.Combine(device, "device", "align")])
        {
            PmemDeviceFact<long> align = SysfsText.ReadInt64(_topology.Root, candidate);
            if (align.Status == PmemDeviceFactStatus.NotSupported)
            {
                continue;
            }

            return !align.IsKnown || (align.Value > 0 && (align.Value & (align.Value - 1)) == 0)
                ? align
                : PmemDeviceFact<long>.Fail(PmemDeviceFactStatus.Malformed, $"{align.Reason} holds {align.Value}, not a power of two");
        }

        return PmemDeviceFact<long>.Fail(PmemDeviceFactStatus.NotSupported, "the device-DAX device has no align attribute");
    }

    private PmemDeviceFact<long> PunchAndReallocate(PmemBadBlock block)
    {
        int fd = Interop.Libc.open(Path, Interop.Libc.O_RDWR | Interop.Libc.O_CLOEXEC, 0);
        if (fd < 0)
        {
            int errno = Marshal.GetLastPInvokeError();
            return PmemDeviceFact<long>.Fail(PmemDeviceFactStatus.Unreadable, $"{Path} cannot be opened for writing ({ErrnoTable.Name(errno)})");
        }

        try
        {
            if (Interop.Libc.fallocate(fd, Interop.Libc.FALLOC_FL_PUNCH_HOLE | Interop.Libc.FALLOC_FL_KEEP_SIZE, block.Offset, block.Length) != 0)
            {
                int errno = Marshal.GetLastPInvokeError();
                return PmemDeviceFact<long>.Fail(PmemDeviceFactStatus.Unreadable, $"punching a hole over {block} failed ({ErrnoTable.Name(errno)})");
            }

            if (Interop.Libc.fallocate(fd, Interop.Libc.FALLOC_FL_KEEP_SIZE, block.Offset, block.Length) != 0)
            {
                int errno = Marshal.GetLastPInvokeError();
                return PmemDeviceFact<long>.Fail(PmemDeviceFactStatus.Unreadable, $"reallocating {block} after the hole failed ({ErrnoTable.Name(errno)}); the range is a hole and reads as zeros");
            }

            return PmemDeviceFact<long>.Known(block.Length, "hole punched and blocks reallocated (fallocate)");
        }
        finally
        {
            Interop.Libc.close(fd);
        }
    }
}
