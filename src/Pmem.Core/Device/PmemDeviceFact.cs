namespace Pmem;

/// <summary>Whether a device fact could be read, and if not, what kind of answer it is.</summary>
public enum PmemDeviceFactStatus
{
    /// <summary>The value was read.</summary>
    Known = 0,

    /// <summary>The path is not backed by an NVDIMM namespace (libpmem2 answers <c>PMEM2_E_NOSUPP</c> or finds no region).</summary>
    NotPmemDevice,

    /// <summary>The device is pmem but the platform does not expose this fact (a sysfs attribute is absent), or Pmem cannot do it without ndctl.</summary>
    NotSupported,

    /// <summary>A sysfs attribute exists but could not be read, or a system call failed.</summary>
    Unreadable,

    /// <summary>A sysfs attribute held text that is not what the kernel writes there.</summary>
    Malformed,
}

/// <summary>One fact about the device behind a path: its value when <see cref="Status"/> is <see cref="PmemDeviceFactStatus.Known"/>, and always the reason.</summary>
/// <typeparam name="T">The fact's type.</typeparam>
/// <param name="Status">Whether the value is known.</param>
/// <param name="Value">The value; the type's default unless <see cref="Status"/> is <see cref="PmemDeviceFactStatus.Known"/>.</param>
/// <param name="Reason">Where the value came from, or why there is none (sysfs paths shown as under <c>/sys</c>).</param>
public readonly record struct PmemDeviceFact<T>(PmemDeviceFactStatus Status, T? Value, string Reason)
{
    /// <summary>Whether <see cref="Value"/> holds the fact.</summary>
    public bool IsKnown => Status == PmemDeviceFactStatus.Known;

    internal static PmemDeviceFact<T> Known(T value, string reason) => new(PmemDeviceFactStatus.Known, value, reason);

    internal static PmemDeviceFact<T> Fail(PmemDeviceFactStatus status, string reason) => new(status, default, reason);

    internal PmemDeviceFact<TOther> As<TOther>() => new(Status, default, Reason);
}

/// <summary>A range of a file or device that the NVDIMM reports unreadable (libpmem2's <c>struct pmem2_badblock</c>).</summary>
/// <param name="Offset">Bytes from the start of the file (or device-DAX device).</param>
/// <param name="Length">Bytes.</param>
public readonly record struct PmemBadBlock(long Offset, long Length);

/// <summary>What kind of storage is behind a path, as libpmem2's sources see it.</summary>
public enum PmemDeviceKind
{
    /// <summary>Not an NVDIMM namespace: a file on another device, a virtual file system, or another character device.</summary>
    NotPmem = 0,

    /// <summary>A file on a file system whose block device is an NVDIMM namespace (fsdax, <c>/dev/pmemN</c>).</summary>
    FsDax,

    /// <summary>A device-DAX character device (<c>/dev/daxN.M</c>).</summary>
    DeviceDax,
}
