using System;
using System.Diagnostics;
using System.Runtime.InteropServices;

namespace Pmem;

/// <summary>
/// The <see cref="SafeBuffer"/> of one <see cref="PmemMapping"/> (<see cref="PmemMapping.Buffer"/>). Code that uses it
/// brackets its accesses with <c>AcquirePointer</c>/<c>ReleasePointer</c>: the reference count keeps the memory mapped
/// until the last release, even across <see cref="PmemMapping.Dispose"/>.
/// </summary>
/// <remarks>
/// The mapping is its only owner. Disposing or closing this handle disposes the mapping (later operations on the
/// mapping throw <see cref="ObjectDisposedException"/>), and the memory is unmapped only when the mapping's own
/// protocol allows: no operation, lease or <c>AcquirePointer</c> user is left.
/// </remarks>
public sealed class PmemMappingHandle : SafeBuffer
{
    private readonly nint _address;
    private readonly nuint _mappedLength;
    private readonly bool _registered;

    /// <summary>Set by the mapping's Dispose before it drops this handle's own reference.</summary>
    private bool _releasingForOwner;

    internal PmemMappingHandle(nint address, nuint length, nuint mappedLength, bool registered)
        : base(ownsHandle: true)
    {
        SetHandle(address);
        Initialize(length);
        _address = address;
        _mappedLength = mappedLength;
        _registered = registered;
    }

    /// <summary>The mapping this handle belongs to (set once, by the mapping's constructor).</summary>
    internal PmemMapping? Owner { get; set; }

    /// <summary>Drops the reference the handle was created with (the owner's, taken back once by its Dispose).</summary>
    internal void ReleaseOwnerReference()
    {
        _releasingForOwner = true;
        base.Dispose(true);
        GC.SuppressFinalize(this);
    }

    /// <inheritdoc/>
    protected override void Dispose(bool disposing)
    {
        if (disposing && !_releasingForOwner && Owner is { } owner)
        {
            // Dispose()/Close() by a user of Buffer: one owner, one protocol.
            owner.Dispose();
            return;
        }

        base.Dispose(disposing);
    }

    /// <inheritdoc/>
    protected override bool ReleaseHandle()
    {
        // Called once, when the reference count reaches zero. The memory may still be in use by operations that
        // claimed the mapping per thread: the owner unmaps when the last of them ends (Unmap).
        GC.SuppressFinalize(this);
        if (Owner is { } owner)
        {
            owner.OnHandleReleased();
        }
        else
        {
            Unmap();
        }

        return true;
    }

    /// <summary>munmap; called exactly once, by the owner's lifetime protocol.</summary>
    internal void Unmap()
    {
        if (_registered)
        {
            PmemRangeRegistry.Unregister((nuint)_address);
        }

        // Nothing is written back here: unmapping does not discard stores to a shared mapping, and durability is
        // the caller's to request before Dispose.
        int result = Interop.Libc.munmap(_address, _mappedLength);
        Debug.Assert(result == 0, "munmap of a range this handle mapped");
    }
}
