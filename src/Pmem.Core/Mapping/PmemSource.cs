using System;
using System.Diagnostics.CodeAnalysis;
using Microsoft.Win32.SafeHandles;

namespace Pmem;

/// <summary>
/// What to map, in libpmem2's model (<c>struct pmem2_source</c>): a path, an open <see cref="SafeFileHandle"/>, or
/// anonymous memory. <see cref="Map"/> maps a range of it as a <see cref="PmemMapConfig"/> says and returns an
/// ordinary <see cref="PmemMapping"/> (copies, leases, commits and the lifetime rules all apply).
/// </summary>
/// <remarks>
/// <para>A source owns nothing: it holds the path, or a reference to the caller's handle (which the caller keeps,
/// disposes and may use as before), or a size. Mapping never creates, resizes or writes the file; a failed map
/// leaves it exactly as it was (bytes, size, mode) and no mapping behind. A mapping stays valid after the handle it was
/// made from is disposed (the kernel keeps the file open for the mapping).</para>
/// <example><code lang="C#">
/// PmemSource source = PmemSource.FromPath("data.pmem");
/// using PmemMapping header = source.Map(new PmemMapConfig { Length = 4096, Protection = PmemProtection.Read });
/// using PmemMapping body = source.Map(new PmemMapConfig { Offset = 4096, RequiredGranularity = PmemGranularity.CacheLine });
/// </code></example>
/// </remarks>
public sealed class PmemSource
{
    private readonly SafeFileHandle? _handle;

    private PmemSource(PmemSourceKind kind, string? path, SafeFileHandle? handle, long anonymousSize)
    {
        Kind = kind;
        Path = path;
        _handle = handle;
        AnonymousSize = anonymousSize;
    }

    /// <summary>What this source maps.</summary>
    public PmemSourceKind Kind { get; }

    /// <summary>The path of a <see cref="PmemSourceKind.Path"/> source; <see langword="null"/> otherwise.</summary>
    public string? Path { get; }

    /// <summary>The size of an anonymous source in bytes; 0 for the others.</summary>
    public long AnonymousSize { get; }

    /// <summary>A file or device-DAX device named by <paramref name="path"/>; nothing is opened until <see cref="Map"/>.</summary>
    /// <remarks>Mapping opens it read-only for a <see cref="PmemProtection.Read"/> or <see cref="PmemSharing.Private"/> mapping and read-write otherwise, and closes it before returning.</remarks>
    /// <param name="path">An existing regular file or /dev/daxN.M device.</param>
    /// <returns>The source.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="path"/> is null.</exception>
    /// <exception cref="ArgumentException"><paramref name="path"/> is empty or contains a NUL character.</exception>
    public static PmemSource FromPath(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        if (path.Contains('\0', StringComparison.Ordinal))
        {
            throw new ArgumentException("The path contains a NUL character; the system would see only the part before it.", nameof(path));
        }

        return new PmemSource(PmemSourceKind.Path, path, null, 0);
    }

    /// <summary>
    /// <c>pmem2_source_from_fd</c>: an open regular file or device-DAX device. The handle is not taken over: the caller
    /// keeps it usable and disposes it when it likes, also while mappings made from it are in use.
    /// </summary>
    /// <remarks>The handle must be open for reading (read-only suffices for <see cref="PmemProtection.Read"/> and
    /// <see cref="PmemSharing.Private"/> mappings); it is checked when mapping.</remarks>
    /// <param name="handle">The open file.</param>
    /// <returns>The source.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="handle"/> is null.</exception>
    /// <exception cref="ArgumentException"><paramref name="handle"/> is invalid (-1).</exception>
    /// <exception cref="ObjectDisposedException"><paramref name="handle"/> is closed (so is every later <see cref="Map"/> through a source whose handle was closed).</exception>
    public static PmemSource FromHandle(SafeFileHandle handle)
    {
        ArgumentNullException.ThrowIfNull(handle);
        ObjectDisposedException.ThrowIf(handle.IsClosed, handle);
        if (handle.IsInvalid)
        {
            throw new ArgumentException("The handle is invalid (-1); open the file first.", nameof(handle));
        }

        return new PmemSource(PmemSourceKind.Handle, null, handle, 0);
    }

    /// <summary>
    /// <c>pmem2_source_from_anon</c>: <paramref name="size"/> bytes of anonymous memory (DRAM, zero-filled), for tests
    /// and volatile use. Nothing stored there is ever durable; its store granularity is <see cref="PmemGranularity.Byte"/>.
    /// </summary>
    /// <param name="size">Bytes; mapping 0 bytes fails with <see cref="PmemMapError.SourceEmpty"/>.</param>
    /// <returns>The source.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="size"/> is negative.</exception>
    public static PmemSource FromAnonymous(long size)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(size);
        return new PmemSource(PmemSourceKind.Anonymous, null, null, size);
    }

    /// <summary><c>pmem2_source_size</c>: the file's size, the device-DAX size from sysfs, or the anonymous size.</summary>
    /// <returns>Bytes.</returns>
    /// <exception cref="PmemException">The file cannot be examined (<see cref="PmemMapException"/> for a bad handle or file type).</exception>
    /// <exception cref="ObjectDisposedException">The handle was closed.</exception>
    public long GetSize() => Describe().Size;

    /// <summary>
    /// <c>pmem2_source_alignment</c>: what offsets and lengths must be multiples of: the page size for files and
    /// anonymous memory, the device's alignment (<c>/sys/dev/char/M:m/align</c>) for device DAX.
    /// </summary>
    /// <returns>Bytes (a power of two).</returns>
    /// <exception cref="PmemException">The file cannot be examined (<see cref="PmemMapException"/> for a bad handle or file type).</exception>
    /// <exception cref="ObjectDisposedException">The handle was closed.</exception>
    public long GetAlignment() => Describe().Alignment;

    /// <summary><c>pmem2_map_new</c>: maps the range of this source that <paramref name="config"/> describes.</summary>
    /// <remarks>
    /// <para>Nothing is made durable by mapping. On failure nothing is left behind: no mapping, and the file is never
    /// opened for writing unless the mapping needs it, never resized and never written.</para>
    /// <para>The mapping's <see cref="PmemMapping.Granularity"/> says how stores become durable; with
    /// <see cref="PmemMapConfig.RequiredGranularity"/> a coarser mapping is refused. A <see cref="PmemSharing.Private"/>
    /// or anonymous mapping never makes anything durable.</para>
    /// </remarks>
    /// <param name="config">Offset, length, protection, sharing and required granularity; <see langword="null"/> for <see cref="PmemMapConfig.Default"/>.</param>
    /// <returns>The mapping; dispose it to unmap.</returns>
    /// <exception cref="PmemMapException">The configuration does not fit the source (<see cref="PmemMapException.Error"/> says how).</exception>
    /// <exception cref="PmemException">A system call failed (ENOENT for a missing path, ENOMEM, …).</exception>
    /// <exception cref="ObjectDisposedException">The handle of a <see cref="PmemSourceKind.Handle"/> source was closed.</exception>
    public PmemMapping Map(PmemMapConfig? config = null)
    {
        if (!TryMap(config, out PmemMapping? mapping, out PmemException? error))
        {
            throw error;
        }

        return mapping;
    }

    /// <summary>As <see cref="Map"/>, reporting a refused configuration or a failed system call through <paramref name="error"/>.</summary>
    /// <remarks>Same guarantees as <see cref="Map"/>. A closed handle still throws <see cref="ObjectDisposedException"/> (a programming error, as for any disposed object).</remarks>
    /// <param name="config">The configuration; <see langword="null"/> for <see cref="PmemMapConfig.Default"/>.</param>
    /// <param name="mapping">The mapping on success.</param>
    /// <param name="error">Why it failed.</param>
    /// <returns><see langword="true"/> when mapped.</returns>
    /// <exception cref="ObjectDisposedException">The handle of a <see cref="PmemSourceKind.Handle"/> source was closed.</exception>
    public bool TryMap(PmemMapConfig? config, [NotNullWhen(true)] out PmemMapping? mapping, [NotNullWhen(false)] out PmemException? error)
    {
        mapping = null;
        error = SourceMapper.Map(this, config ?? PmemMapConfig.Default, ResolvedConfig.Current, ref mapping);
        return error is null;
    }

    /// <inheritdoc/>
    public override string ToString() => Kind switch
    {
        PmemSourceKind.Path => $"PmemSource path '{Path}'",
        PmemSourceKind.Handle => "PmemSource handle",
        _ => $"PmemSource anonymous {AnonymousSize} bytes",
    };

    /// <summary>The caller's handle (Handle sources only).</summary>
    internal SafeFileHandle? Handle => _handle;

    private SourceMapper.Described Describe()
    {
        SourceMapper.Described described = SourceMapper.Describe(this, ResolvedConfig.Current, forWrite: false);
        if (described.Error is { } error)
        {
            throw error;
        }

        return described;
    }
}
