using System.Runtime.InteropServices;

namespace Pmem;

/// <summary>
/// Owns one mapping: <see cref="SafeBuffer"/> reference counting makes every access that brackets itself with
/// <c>AcquirePointer</c>/<c>ReleasePointer</c> keep the mapping alive, so <c>Dispose</c> during an operation unmaps
/// only when the operation ends, and any later access throws <see cref="System.ObjectDisposedException"/>.
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
