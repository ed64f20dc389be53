using System.Runtime.InteropServices;

namespace Pmem;

/// <summary>
/// Owns one mapping. Code that uses it through <see cref="PmemMapping.Buffer"/> brackets its accesses with
/// <c>AcquirePointer</c>/<c>ReleasePointer</c>: <see cref="SafeBuffer"/> reference counting keeps the mapping until the
/// last release, even across <see cref="PmemMapping.Dispose"/>. <see cref="PmemMapping"/>'s own operations claim the
/// mapping per thread instead (no atomic instruction); <see cref="PmemMapping.Dispose"/> waits for those.
/// </summary>
public sealed class PmemMappingHandle : SafeBuffer
{
    private readonly nuint _mappedLength;
    private readonly bool _registered;

    internal PmemMappingHandle(nint address, nuint length, nuint mappedLength, bool registered)
        : base(ownsHandle: true)
    {
        SetHandle(address);
        Initialize(length);
        _mappedLength = mappedLength;
        _registered = registered;
    }

    /// <inheritdoc/>
    protected override bool ReleaseHandle()
    {
        nint address = handle;
        handle = -1;
        if (_registered)
        {
            PmemRangeRegistry.Unregister((nuint)address);
        }

        // Nothing is written back here: unmapping does not discard stores to a shared mapping, and durability is
        // the caller's to request before Dispose.
        return Interop.Libc.munmap(address, _mappedLength) == 0;
    }
}
