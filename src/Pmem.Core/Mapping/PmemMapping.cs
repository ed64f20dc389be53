using System;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Threading;

namespace Pmem;

/// <summary>
/// A file or device mapped for persistent-memory use by <see cref="PmemFile.Map(string, long, PmemFileFlags, System.IO.UnixFileMode)"/>
/// or <see cref="PmemSource.Map"/>.
/// Offsets and lengths are checked; every operation keeps the mapping alive while it runs.
/// </summary>
/// <remarks>
/// <see cref="Dispose"/> unmaps. It does not make anything durable: persist what must survive first. It never waits:
/// operations already running on any thread (calls on this mapping, leases, F# commits to it) finish on mapped
/// memory and the last of them unmaps; any call that starts after <see cref="Dispose"/> throws
/// <see cref="ObjectDisposedException"/>. See docs/guarantees.md, "Lifetime".
/// </remarks>
public sealed unsafe partial class PmemMapping : IDisposable
{
    private readonly PmemMappingHandle _handle;

    /// <summary>The start address (valid while the mapping is claimed, see <see cref="Enter"/>).</summary>
    private readonly byte* _address;

    private PmemMapping(PmemMappingHandle handle, long length, bool isDeviceDax, bool isMapSync, string? path, in MapShape.Facts facts)
    {
        _handle = handle;
        handle.Owner = this;
        _address = (byte*)handle.DangerousGetHandle();
        Length = length;
        IsPmem = facts.IsPmem;
        IsPmemReason = facts.IsPmemReason;
        IsDeviceDax = isDeviceDax;
        IsMapSync = isMapSync;
        Path = path;
        _shape = facts.Shape;
        Granularity = facts.Granularity;
        GranularityReason = facts.GranularityReason;
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

    /// <summary>True once the mapping was disposed (by <see cref="Dispose"/>, or by disposing <see cref="Buffer"/>).</summary>
    public bool IsDisposed => IsDisposedState;

    /// <summary>
    /// The owning handle: a <see cref="SafeBuffer"/> for <c>Read&lt;T&gt;</c>/<c>Write&lt;T&gt;</c>, unmanaged accessors and
    /// <c>AcquirePointer</c>/<c>ReleasePointer</c> brackets, which keep the memory mapped until the release.
    /// </summary>
    /// <remarks>
    /// Disposing or closing it disposes this mapping (same protocol as <see cref="Dispose"/>: later operations throw
    /// <see cref="ObjectDisposedException"/>); it never unmaps under a running operation.
    /// </remarks>
    public SafeBuffer Buffer => _handle;

    /// <summary>The start address of the mapping, for raw pointer code (porting C, <see cref="PersistentMemory"/>).</summary>
    /// <remarks>
    /// <para>The address is not tracked: it is valid only while the mapping is not disposed, and the caller must
    /// guarantee that. Keep the <see cref="PmemMapping"/> reachable for as long as the pointer is used (a
    /// <c>using</c> block, or <see cref="GC.KeepAlive(object)"/> after the last use): if only the address is kept, the
    /// finalizer unmaps the memory under it, and a later mapping may reuse the range. For span access that holds the
    /// mapping, use <see cref="Lease"/>.</para>
    /// </remarks>
    /// <exception cref="ObjectDisposedException">The mapping was disposed.</exception>
    public nint Address
    {
        get
        {
            ThrowIfDisposed();
            return (nint)_address;
        }
    }

    /// <summary>
    /// A span over <c>[offset, offset + length)</c> for plain loads and stores (nothing is persisted by writing to it),
    /// not tracked: prefer <see cref="Lease"/>, which holds the mapping while the span is used.
    /// </summary>
    /// <remarks>
    /// The span is valid only while the mapping is not disposed, and the caller must guarantee that (as for
    /// <see cref="Address"/>): a span kept by one thread while another disposes the mapping faults. Stores through it
    /// into a sparse file's unallocated pages are not reserved first (see <see cref="Lease"/>).
    /// </remarks>
    /// <param name="offset">Start within the mapping.</param>
    /// <param name="length">Length in bytes.</param>
    /// <returns>The span.</returns>
    /// <exception cref="ArgumentOutOfRangeException">The range does not lie within the mapping.</exception>
    /// <exception cref="ObjectDisposedException">The mapping was disposed.</exception>
    /// <exception cref="PmemMapException">The mapping is read-only (<see cref="PmemMapError.ReadOnlyMapping"/>): use <see cref="Read"/>.</exception>
    public Span<byte> GetSpan(long offset, int length)
    {
        ThrowIfDisposed();
        CheckRange(offset, length);
        ThrowIfReadOnly();
        return new Span<byte>(_address + offset, length);
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

    /// <inheritdoc/>
    public override string ToString() =>
        IsDisposedState
            ? $"PmemMapping (disposed) {Path}"
            : $"PmemMapping {Path ?? (IsAnonymous ? "(anonymous)" : "(temporary file or handle)")}: {Length} bytes at 0x{(nint)_address:x}, IsPmem={IsPmem} ({IsPmemReason})";

    /// <summary>Wraps a successful mmap; <paramref name="sparse"/> when the file has unallocated pages (see <see cref="IsSparse"/>).</summary>
    /// <remarks><paramref name="facts"/>: what <see cref="SourceMapper"/> decided; <see langword="null"/> for a whole-file shared read-write mapping, classified here.</remarks>
    internal static PmemMapping Create(AlignedMapper.Result mapped, long length, DeviceDaxInfo? deviceDax, ResolvedConfig config, string? path, bool sparse = false, MapShape.Facts? facts = null)
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
        if (facts is not { } decided)
        {
            (bool isPmem, string reason) = config.ClassifyMapping(isDax, mapped.MapSync);
            (PmemGranularity granularity, string granularityReason) = SourceMapper.ClassifyGranularity(config, isPmem, reason);
            decided = new MapShape.Facts(MapShape.Whole, isPmem, reason, granularity, granularityReason);
        }

        var mapping = new PmemMapping(handle, length, isDax, mapped.MapSync, path, decided);
        if (sparse)
        {
            mapping.EnableReservation();
        }

        return mapping;
    }
}
