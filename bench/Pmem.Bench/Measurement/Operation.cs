using System.Collections.Generic;

namespace Pmem.Bench;

/// <summary>What one timed operation does; every implementation registered for a kind does the same work.</summary>
internal enum OperationKind
{
    /// <summary>Write one byte in every 64-byte line of the range, then persist the range (flush + drain).</summary>
    Persist,

    /// <summary>As <see cref="Persist"/>, with flush and drain as two calls.</summary>
    FlushDrain,

    /// <summary>Copy from a DRAM buffer to the file and make it durable.</summary>
    MemcpyPersist,

    /// <summary>Overlapping move within the file, destination 64 bytes above the source (a backward copy), made durable.</summary>
    MemmovePersist,

    /// <summary>Fill the range with a byte and make it durable.</summary>
    MemsetPersist,

    /// <summary>Write one byte per line, then msync, on a file of the disk file system (ext4 here).</summary>
    MsyncDisk,

    /// <summary>N 8-byte stores at scattered lines of a 1 MiB window, all made durable (size = 8 × N bytes).</summary>
    ScatteredWrites,
}

/// <summary>An operation kind at a destination temperature with the sizes to measure.</summary>
/// <param name="Kind">What is done.</param>
/// <param name="Hot">True: the same destination every time. False (cold): the destination rotates over the whole file.</param>
/// <param name="Sizes">Bytes per operation (for <see cref="OperationKind.ScatteredWrites"/>, 8 × N).</param>
internal sealed record Operation(OperationKind Kind, bool Hot, IReadOnlyList<long> Sizes)
{
    /// <summary>The name used in the CSV, e.g. <c>memcpy_persist_cold</c>.</summary>
    public string Name => $"{BaseName(Kind)}_{(Hot ? "hot" : "cold")}";

    /// <summary>True for the operations on the disk file system file; the others use the /dev/shm file.</summary>
    public bool OnDisk => Kind == OperationKind.MsyncDisk;

    /// <summary>Bytes each slot needs beyond the size (the overlapping move writes 64 bytes past its source).</summary>
    public long Extra => Kind == OperationKind.MemmovePersist ? 64 : 0;

    internal static string BaseName(OperationKind kind) => kind switch
    {
        OperationKind.Persist => "persist",
        OperationKind.FlushDrain => "flush_drain",
        OperationKind.MemcpyPersist => "memcpy_persist",
        OperationKind.MemmovePersist => "memmove_persist",
        OperationKind.MemsetPersist => "memset_persist",
        OperationKind.MsyncDisk => "msync_ext4",
        _ => "scattered_8B_writes",
    };
}

/// <summary>The operations × sizes of a run.</summary>
internal static class Operations
{
    private const long KiB = 1024;
    private const long MiB = 1024 * KiB;

    private static readonly long[] s_persistSizes = [8, 64, 4 * KiB, 64 * KiB, 1 * MiB];
    private static readonly long[] s_copySizes = [64, 256, 1 * KiB, 4 * KiB, 64 * KiB, 1 * MiB, 16 * MiB, 256 * MiB];
    private static readonly long[] s_hotCopySizes = [64, 256, 1 * KiB, 4 * KiB, 64 * KiB, 1 * MiB, 16 * MiB];
    private static readonly long[] s_msyncSizes = [4 * KiB, 64 * KiB];
    private static readonly long[] s_scatteredSizes = [8 * 1, 8 * 8, 8 * 64];

    /// <summary>The largest size any operation uses (the DRAM source buffer is this big).</summary>
    public const long MaxSize = 256 * MiB;

    /// <summary>Quick: every size the issues judge, cold destinations, hot only for persist. Full: hot rows everywhere too.</summary>
    public static IReadOnlyList<Operation> For(bool quick)
    {
        var list = new List<Operation>
        {
            new(OperationKind.Persist, Hot: false, s_persistSizes),
            new(OperationKind.Persist, Hot: true, s_persistSizes),
            new(OperationKind.FlushDrain, Hot: false, s_persistSizes),
        };
        if (!quick)
        {
            list.Add(new(OperationKind.FlushDrain, Hot: true, s_persistSizes));
        }

        foreach (OperationKind copy in (OperationKind[])[OperationKind.MemcpyPersist, OperationKind.MemmovePersist, OperationKind.MemsetPersist])
        {
            list.Add(new(copy, Hot: false, s_copySizes));
            if (!quick)
            {
                list.Add(new(copy, Hot: true, s_hotCopySizes));
            }
        }

        list.Add(new(OperationKind.MsyncDisk, Hot: false, s_msyncSizes));
        list.Add(new(OperationKind.ScatteredWrites, Hot: false, s_scatteredSizes));
        if (!quick)
        {
            list.Add(new(OperationKind.ScatteredWrites, Hot: true, s_scatteredSizes));
        }

        return list;
    }
}
