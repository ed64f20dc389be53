using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;

namespace Pmem;

/// <summary>One extent of a file: <paramref name="Logical"/> bytes into the file sit <paramref name="Physical"/> bytes into its block device.</summary>
internal readonly record struct FileExtent(long Logical, long Physical, long Length);

/// <summary>
/// The arithmetic of libpmem2's bad-block iterator (<c>badblocks_ndctl.c</c>), free of I/O: parse a sysfs
/// <c>badblocks</c> file, clip region-relative blocks to a namespace, and translate device-relative blocks into file
/// offsets through the file's extents.
/// </summary>
internal static class BadBlockRanges
{
    internal const int SectorSize = 512;

    /// <summary>
    /// A <c>badblocks</c> attribute: one <c>"sector count"</c> line per bad range, in 512-byte sectors (the kernel's
    /// <c>badblocks_show</c>); null when a line is not two non-negative decimal numbers.
    /// </summary>
    internal static List<PmemBadBlock>? Parse(string text)
    {
        var blocks = new List<PmemBadBlock>();
        foreach (string line in text.Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            string[] f = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (f.Length != 2
                || !long.TryParse(f[0], NumberStyles.None, CultureInfo.InvariantCulture, out long sector)
                || !long.TryParse(f[1], NumberStyles.None, CultureInfo.InvariantCulture, out long count)
                || count <= 0
                || sector > long.MaxValue / SectorSize
                || count > long.MaxValue / SectorSize)
            {
                return null;
            }

            blocks.Add(new PmemBadBlock(sector * SectorSize, count * SectorSize));
        }

        return blocks;
    }

    /// <summary>Blocks relative to a region, clipped to the namespace <c>[start, start + size)</c> and made relative to it (<c>pmem2_badblock_next_region</c>).</summary>
    internal static List<PmemBadBlock> ClipToNamespace(IEnumerable<PmemBadBlock> regionBlocks, long start, long size)
    {
        var result = new List<PmemBadBlock>();
        foreach (PmemBadBlock b in regionBlocks)
        {
            long begin = Math.Max(b.Offset, start);
            long end = Math.Min(b.Offset + b.Length, start + size);
            if (begin < end)
            {
                result.Add(new PmemBadBlock(begin - start, end - begin));
            }
        }

        return result;
    }

    /// <summary>
    /// Blocks relative to the file system's block device, as file offsets: each overlap of a block with an extent,
    /// widened to whole file-system blocks (<c>pmem2_badblock_next_internal</c>), in file order.
    /// </summary>
    internal static List<PmemBadBlock> ThroughExtents(IEnumerable<PmemBadBlock> deviceBlocks, IReadOnlyList<FileExtent> extents, long blockSize)
    {
        var result = new List<PmemBadBlock>();
        foreach (PmemBadBlock b in deviceBlocks)
        {
            foreach (FileExtent e in extents)
            {
                long begin = Math.Max(b.Offset, e.Physical);
                long end = Math.Min(b.Offset + b.Length, e.Physical + e.Length);
                if (begin >= end)
                {
                    continue;
                }

                long offset = begin - e.Physical + e.Logical;
                long length = end - begin;
                long misaligned = offset & (blockSize - 1);
                offset -= misaligned;
                length = (length + misaligned + blockSize - 1) & ~(blockSize - 1);
                result.Add(new PmemBadBlock(offset, length));
            }
        }

        return result.OrderBy(b => b.Offset).ToList();
    }

    /// <summary>The blocks that intersect <c>[offset, offset + length)</c>, clipped to it.</summary>
    internal static List<PmemBadBlock> Within(IEnumerable<PmemBadBlock> blocks, long offset, long length)
    {
        var result = new List<PmemBadBlock>();
        foreach (PmemBadBlock b in blocks)
        {
            long begin = Math.Max(b.Offset, offset);
            long end = Math.Min(b.Offset + b.Length, offset + length);
            if (begin < end)
            {
                result.Add(new PmemBadBlock(begin, end - begin));
            }
        }

        return result;
    }
}
