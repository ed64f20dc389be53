using System.IO;
using System.Runtime.Intrinsics.X86;

namespace Pmem;

/// <summary>
/// libpmem's deep drain: for each part of a range, device-DAX parts are fenced and their nd region's
/// <c>deep_flush</c> attribute written (flushing the write-pending queues); every other part is msync'd.
/// </summary>
internal static unsafe class DeepDrainEngine
{
    /// <summary>Makes <c>[addr, addr + length)</c> reach the most reliable persistence domain; throws on failure.</summary>
    internal static void Drain(ResolvedConfig config, byte* addr, nuint length)
    {
        if (length == 0)
        {
            return;
        }

        PmemRangeRegistry.Walk((nuint)addr, length, (start, size, range) =>
        {
            if (range is { Kind: PmemRangeKind.DeviceDax } dax)
            {
                if (config.HasCpuFlush)
                {
                    Sse.StoreFence();
                }

                WriteRegionDeepFlush(config.SysfsRoot, dax.RegionId);
            }
            else
            {
                PageFlush.Sync((void*)start, size);
            }
        });
    }

    /// <summary>Writes "1" to <c>/sys/bus/nd/devices/regionN/deep_flush</c> unless it reads "0" (not supported).</summary>
    internal static void WriteRegionDeepFlush(string sysfsRoot, int? regionId)
    {
        if (regionId is null)
        {
            ThrowHelper.ThrowPmemException(
                Interop.Errno.EINVAL,
                "deep flush of a device-DAX range failed: its nd region could not be found in sysfs, so the write-pending queues cannot be flushed.");
        }

        string path = Path.Combine(sysfsRoot, "bus", "nd", "devices", $"region{regionId.Value}", "deep_flush");
        if (!SysfsFile.TryRead(path, 16, out string value, out int readErrno))
        {
            ThrowHelper.ThrowForErrno(readErrno, "deep flush: reading the region's deep_flush attribute", path);
        }

        if (value.Trim() == "0")
        {
            return; // the region has no write-pending-queue flush to trigger: nothing to do, as in libpmem
        }

        int errno = SysfsFile.Write(path, "1");
        if (errno != 0)
        {
            ThrowHelper.ThrowForErrno(errno, "deep flush: writing 1 to the region's deep_flush attribute", path);
        }
    }
}
