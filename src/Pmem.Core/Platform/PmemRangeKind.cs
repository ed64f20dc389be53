namespace Pmem;

/// <summary>How a registered pmem range was mapped, which decides what a deep drain does for it.</summary>
internal enum PmemRangeKind
{
    /// <summary>A file mapped with MAP_SYNC on a DAX file system: deep drain msyncs it.</summary>
    MapSync,

    /// <summary>A device-DAX mapping: deep drain fences, then writes the region's <c>deep_flush</c>.</summary>
    DeviceDax,
}
