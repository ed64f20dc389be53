using System;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Threading;

namespace Pmem;

/// <summary>
/// A file or device mapped for persistent-memory use by <see cref="PmemFile.Map(string, long, PmemFileFlags, System.IO.UnixFileMode)"/>.
/// Offsets and lengths are checked; every operation keeps the mapping alive while it runs.
/// </summary>
/// <remarks>
/// <see cref="Dispose"/> unmaps. It does not make anything durable: persist what must survive first. A
/// <see cref="Dispose"/> racing an operation on another thread waits for that operation (the unmap happens when it
/// ends); any call after <see cref="Dispose"/> throws <see cref="ObjectDisposedException"/>.
/// </remarks>
public sealed unsafe partial class PmemMapping : IDisposable, IPmemTarget
{
    private readonly PmemMappingHandle _handle;

    /// <summary>The start address (valid while the mapping is claimed, see <see cref="Enter"/>).</summary>
    private readonly byte* _address;

    /// <summary>
    /// Set by <see cref="Dispose"/> before it waits for running operations and releases the handle; every operation
    /// checks it after claiming the mapping (<see cref="Enter"/>), so every call that starts after Dispose throws.
    /// </summary>
    private volatile bool _disposed;

    private PmemMapping(PmemMappingHandle handle, long length, bool isPmem, string isPmemReason, bool isDeviceDax, bool isMapSync, string? path)
    {
        _handle = handle;
        _address = (byte*)handle.DangerousGetHandle();
        Length = length;
        IsPmem = isPmem;
        IsPmemReason = isPmemReason;
        IsDeviceDax = isDeviceDax;
        IsMapSync = isMapSync;
        Path = path;
    }

    /// <summary>The mapped length in bytes (the file's length, or the device's size).</summary>
    public long Length { get; }

    /// <summary>
    /// True when stores become durable by CPU flush and drain alone (MAP_SYNC, device DAX, or
    /// <c>PMEM_IS_PMEM_FORCE=1</c>); false when Pmem persists through msync instead. Fixed when the mapping is made.
    /// </summary>
    public bool IsPmem { get; }

    /// <summary>One sentence saying why <see cref="IsPmem"/> has its value.</summary>
    public string IsPmemReason { get; }

    /// <summary>True when the mapping is a device-DAX character device.</summary>
    public bool IsDeviceDax { get; }

    /// <summary>True when the kernel accepted MAP_SYNC for this mapping (a file on a DAX file system).</summary>
    public bool IsMapSync { get; }

    /// <summary>The mapped path; <see langword="null"/> for a <see cref="PmemFileFlags.TempFile"/> mapping.</summary>
    public string? Path { get; }

    /// <summary>True once <see cref="Dispose"/> has been called.</summary>
    public bool IsDisposed => _disposed;

    /// <summary>The owning handle: a <see cref="SafeBuffer"/> for <c>Read&lt;T&gt;</c>/<c>Write&lt;T&gt;</c> and unmanaged accessors.</summary>
    public SafeBuffer Buffer => _handle;

    /// <summary>The start address of the mapping.</summary>
    /// <remarks>Valid only until <see cref="Dispose"/>; code holding it must not run concurrently with disposal.</remarks>
    /// <exception cref="ObjectDisposedException">The mapping was disposed.</exception>
    public nint Address
    {
        get
        {
            ThrowIfDisposed();
            return _handle.DangerousGetHandle();
        }
    }

    /// <summary>A span over <c>[offset, offset + length)</c> for plain loads and stores (nothing is persisted by writing to it).</summary>
    /// <remarks>The span is not tracked: it must not be used after <see cref="Dispose"/>.</remarks>
    /// <param name="offset">Start within the mapping.</param>
    /// <param name="length">Length in bytes.</param>
    /// <returns>The span.</returns>
    /// <exception cref="ArgumentOutOfRangeException">The range does not lie within the mapping.</exception>
    /// <exception cref="ObjectDisposedException">The mapping was disposed.</exception>
    public Span<byte> GetSpan(long offset, int length)
    {
        CheckRange(offset, length);
        ThrowIfDisposed();
        return new Span<byte>((byte*)_handle.DangerousGetHandle() + offset, length);
    }

    /// <summary>Copies <c>[offset, offset + destination.Length)</c> of the mapping into <paramref name="destination"/>.</summary>
    /// <param name="offset">Start within the mapping.</param>
    /// <param name="destination">Where the bytes go.</param>
    /// <exception cref="ArgumentOutOfRangeException">The range does not lie within the mapping.</exception>
    /// <exception cref="ObjectDisposedException">The mapping was disposed.</exception>
    public void Read(long offset, Span<byte> destination)
    {
        byte* p = Enter(offset, destination.Length);
        try
        {
            new ReadOnlySpan<byte>(p, destination.Length).CopyTo(destination);
        }
        finally
        {
            Exit();
        }
    }

    /// <summary>
    /// Unmaps. Does not persist anything. Blocks until operations running on other threads (calls on this mapping, F#
    /// commits to it) have ended; called from inside such an operation on the same thread, unmaps when it ends.
    /// </summary>
    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        if (MappingUse.WaitUntilUnused(this))
        {
            // Disposed from inside an operation on this thread: the reference keeps the mapping until that
            // operation's Exit.
            byte* p = null;
            _handle.AcquirePointer(ref p);
            MappingUse.ForThisThread.HoldsReference = true;
        }

        _handle.Dispose();
    }

    /// <inheritdoc/>
    public override string ToString() =>
        _disposed
            ? $"PmemMapping (disposed) {Path}"
            : $"PmemMapping {Path ?? "(temporary file)"}: {Length} bytes at 0x{_handle.DangerousGetHandle():x}, IsPmem={IsPmem} ({IsPmemReason})";

    internal static PmemMapping Create(AlignedMapper.Result mapped, long length, DeviceDaxInfo? deviceDax, PersistenceConfig config, string? path)
    {
        bool isDax = deviceDax is not null;
        bool register = isDax || mapped.MapSync;
        if (register)
        {
            PmemRangeRegistry.Register(new PmemRange(
                (nuint)mapped.Address,
                (nuint)mapped.Address + (nuint)length,
                isDax ? PmemRangeKind.DeviceDax : PmemRangeKind.MapSync,
                deviceDax?.RegionId));
        }

        var handle = new PmemMappingHandle(mapped.Address, (nuint)length, mapped.MappedLength, register);
        (bool isPmem, string reason) = config.ClassifyMapping(isDax, mapped.MapSync);
        return new PmemMapping(handle, length, isPmem, reason, isDax, mapped.MapSync, path);
    }

    /// <summary>
    /// Checks the range, claims the mapping for the calling thread (it stays mapped until <see cref="Exit"/>) and
    /// returns the range's address. Throws <see cref="ObjectDisposedException"/> once Dispose has started.
    /// </summary>
    /// <remarks>
    /// The claim is a plain store into the thread's <see cref="MappingUse"/> slot (no atomic instruction, see there);
    /// when the slot holds another mapping, a SafeBuffer reference instead.
    /// </remarks>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal byte* Enter(long offset, long length)
    {
        CheckRange(offset, length);
        MappingUse use = MappingUse.ForThisThread;
        PmemMapping? current = use.Current;
        if (current is null)
        {
            // Store, then load (Dispose stores, barriers every processor, then loads: see MappingUse).
            Volatile.Write(ref use.Current, this);
            if (_disposed)
            {
                Volatile.Write(ref use.Current, null);
                ThrowHelper.ThrowObjectDisposed(nameof(PmemMapping));
            }

            use.Depth = 1;
            return _address + offset;
        }

        if (ReferenceEquals(current, this))
        {
            // Nested on the same thread: already claimed (a Dispose in between defers its unmap to the outermost Exit).
            use.Depth++;
            return _address + offset;
        }

        return EnterCounted(offset);
    }

    /// <summary>Ends what <see cref="Enter"/> began.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal void Exit()
    {
        MappingUse use = MappingUse.ForThisThread;
        if (ReferenceEquals(use.Current, this))
        {
            if (--use.Depth == 0)
            {
                if (use.HoldsReference)
                {
                    ReleaseDeferred(use);
                }

                Volatile.Write(ref use.Current, null);
            }
        }
        else
        {
            _handle.ReleasePointer();
        }
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private byte* EnterCounted(long offset)
    {
        byte* p = null;
        _handle.AcquirePointer(ref p);
        if (_disposed)
        {
            _handle.ReleasePointer();
            ThrowHelper.ThrowObjectDisposed(nameof(PmemMapping));
        }

        return p + offset;
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private void ReleaseDeferred(MappingUse use)
    {
        use.HoldsReference = false;
        _handle.ReleasePointer();
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void CheckRange(long offset, long length)
    {
        if (offset < 0 || length < 0 || offset > Length - length)
        {
            ThrowHelper.ThrowArgumentOutOfRange(offset, length, Length);
        }
    }

    private void ThrowIfDisposed()
    {
        if (_disposed)
        {
            ThrowHelper.ThrowObjectDisposed(nameof(PmemMapping));
        }
    }
}
