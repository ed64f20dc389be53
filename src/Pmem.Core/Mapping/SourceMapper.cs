using System;
using System.Runtime.InteropServices;

namespace Pmem;

/// <summary>
/// libpmem2's <c>pmem2_map_new</c> for a <see cref="PmemSource"/>: validate the configuration, describe the source
/// (size, alignment, type), check the range, map it, decide its store granularity. Read-only towards the file: it is
/// never resized or written, so a refusal at any step leaves it as it was.
/// </summary>
internal static class SourceMapper
{
    /// <summary>A source examined: its descriptor (owned for a path, borrowed for a handle, -1 for anonymous memory), or an error.</summary>
    internal readonly record struct Described(
        int Fd,
        bool OwnsFd,
        bool AddedRef,
        long Size,
        long Alignment,
        DeviceDaxInfo? DeviceDax,
        bool HasHoles,
        bool Writable,
        PmemException? Error);

    internal static PmemException? Map(PmemSource source, PmemMapConfig config, ResolvedConfig persistence, ref PmemMapping? mapping)
    {
        string? path = source.Path;
        if (ValidateConfig(config, path) is { } invalid)
        {
            return invalid;
        }

        bool write = config.Protection.HasFlag(PmemProtection.Write);
        bool shared = config.Sharing == PmemSharing.Shared;
        Described d = Describe(source, persistence, forWrite: write && shared);
        try
        {
            if (d.Error is { } error)
            {
                return error;
            }

            if (CheckOffset(config, d, path) is { } unaligned)
            {
                return unaligned;
            }

            if (d.DeviceDax is not null && !shared)
            {
                return Refuse(PmemMapError.DeviceDaxPrivate, Interop.Errno.EINVAL, "device DAX does not support mapping with MAP_PRIVATE (PmemSharing.Private); map it shared.", path);
            }

            if (CheckLength(config, d, path, source.Kind == PmemSourceKind.Anonymous) is { } badLength)
            {
                return badLength;
            }

            if (write && shared && !d.Writable)
            {
                return NoAccess("the handle is open read-only, so a shared read-write mapping is not allowed; open it read-write, or map with PmemProtection.Read or PmemSharing.Private.", path);
            }

            long length = config.Length != 0 ? config.Length : d.Size - config.Offset;
            int prot = Interop.Libc.PROT_READ | (write ? Interop.Libc.PROT_WRITE : 0);
            long alignment = Math.Max(d.Alignment, AlignedMapper.AlignmentFor(length));
            AlignedMapper.Result mapped = AlignedMapper.Map(d.Fd, config.Offset, length, alignment, persistence.Options.MmapHint, prot, shared);
            if (mapped.Errno == Interop.Errno.EACCES)
            {
                return NoAccess($"mmap was refused (EACCES): the file does not allow a {(shared ? "shared" : "private")} {config.Protection} mapping.", path);
            }

            if (mapped.Errno != 0)
            {
                return ThrowHelper.CreateForErrno(mapped.Errno, $"{mapped.Operation} of {length} bytes at offset {config.Offset} of", path ?? source.ToString());
            }

            var shape = new MapShape(config.Offset, config.Protection, config.Sharing, source.Kind == PmemSourceKind.Anonymous);
            (bool isPmem, string isPmemReason) = shape.NeverDurable
                ? (false, shape.NeverDurableReason)
                : persistence.ClassifyMapping(d.DeviceDax is not null, mapped.MapSync);
            (PmemGranularity granularity, string reason) = shape.NeverDurable
                ? (PmemGranularity.Byte, shape.NeverDurableReason + " (pmem2 reports BYTE)")
                : ClassifyGranularity(persistence, isPmem, isPmemReason);
            if (config.RequiredGranularity is { } required && granularity > required)
            {
                AlignedMapper.Unmap(mapped);
                return Refuse(
                    PmemMapError.GranularityNotSupported,
                    Interop.Errno.EOPNOTSUPP,
                    $"The required store granularity {required} is not available: this mapping's granularity is {granularity} ({reason}).",
                    path);
            }

            bool sparse = d.HasHoles && write && shared;
            mapping = PmemMapping.Create(mapped, length, d.DeviceDax, persistence, path, sparse, new MapShape.Facts(shape, isPmem, isPmemReason, granularity, reason));
            return null;
        }
        finally
        {
            Release(source, d);
        }
    }

    /// <summary>The store granularity of a shared file mapping (pmem2's <c>get_min_granularity</c>), with its reason.</summary>
    internal static (PmemGranularity Granularity, string Reason) ClassifyGranularity(ResolvedConfig persistence, bool isPmem, string isPmemReason)
    {
        if (!isPmem)
        {
            return (PmemGranularity.Page, $"not pmem, so stores persist through msync of whole pages: {isPmemReason}");
        }

        if (persistence.Options.ForceGranularity is PmemGranularity forced and not PmemGranularity.Page)
        {
            return (forced, $"PMEM2_FORCE_GRANULARITY={forced}");
        }

        return persistence.AutoFlush == 1
            ? (PmemGranularity.Byte, $"pmem on an eADR platform: stores persist once visible ({persistence.AutoFlushReason})")
            : (PmemGranularity.CacheLine, $"pmem without eADR: stores persist after a cache-line flush and a drain ({isPmemReason})");
    }

    /// <summary>Opens (path) or borrows (handle) the source and reads its type, size and alignment.</summary>
    internal static Described Describe(PmemSource source, ResolvedConfig persistence, bool forWrite)
    {
        if (source.Kind == PmemSourceKind.Anonymous)
        {
            return new Described(-1, false, false, source.AnonymousSize, (long)PageFlush.PageSize, null, false, true, null);
        }

        string sysfs = persistence.Options.SysfsRoot;
        if (source.Kind == PmemSourceKind.Path)
        {
            string path = source.Path!;
            (FileTargetKind kind, uint major, uint minor, int typeErrno) = FileTarget.Classify(path, sysfs);
            if (kind == FileTargetKind.Unsupported)
            {
                return Failed(Refuse(PmemMapError.InvalidFileType, Interop.Errno.EINVAL, $"'{path}' is neither a regular file nor a device-DAX device.", path));
            }

            if (typeErrno != 0 || kind == FileTargetKind.Missing)
            {
                return Failed(ThrowHelper.CreateForErrno(typeErrno != 0 ? typeErrno : Interop.Errno.ENOENT, "stat", path));
            }

            int fd = Interop.Libc.open(path, (forWrite ? Interop.Libc.O_RDWR : Interop.Libc.O_RDONLY) | Interop.Libc.O_CLOEXEC, 0);
            if (fd < 0)
            {
                int errno = Marshal.GetLastPInvokeError();
                if (errno == Interop.Errno.EISDIR)
                {
                    return Failed(Refuse(PmemMapError.InvalidFileType, Interop.Errno.EINVAL, "The source is a directory; Pmem maps regular files and /dev/daxN.M devices.", path));
                }

                return Failed(errno is Interop.Errno.EACCES or Interop.Errno.EPERM or Interop.Errno.EROFS
                    ? NoAccess($"open for {(forWrite ? "reading and writing" : "reading")} failed ({ErrnoTable.Name(errno)}): the file's mode or file system does not allow the mapping asked for; map it with PmemProtection.Read or PmemSharing.Private, or change its mode.", path, errno)
                    : ThrowHelper.CreateForErrno(errno, "open", path));
            }

            return Examine(fd, ownsFd: true, addedRef: false, path, sysfs);
        }

        bool added = false;
        source.Handle!.DangerousAddRef(ref added); // throws ObjectDisposedException once the caller closed it
        return Examine((int)source.Handle.DangerousGetHandle(), ownsFd: false, addedRef: added, null, sysfs);
    }

    private static Described Examine(int fd, bool ownsFd, bool addedRef, string? path, string sysfs)
    {
        var partial = new Described(fd, ownsFd, addedRef, 0, 0, null, false, false, null);
        int flags = Interop.Libc.fcntl(fd, Interop.Libc.F_GETFL, 0);
        if (flags < 0)
        {
            int errno = Marshal.GetLastPInvokeError();
            return partial with { Error = errno == Interop.Errno.EBADF
                ? Refuse(PmemMapError.InvalidFileHandle, errno, "The handle is not an open file descriptor (EBADF).", path)
                : ThrowHelper.CreateForErrno(errno, "fcntl(F_GETFL)", path) };
        }

        if ((flags & Interop.Libc.O_ACCMODE) == Interop.Libc.O_WRONLY)
        {
            return partial with { Error = Refuse(PmemMapError.InvalidFileHandle, Interop.Errno.EBADF, "The handle is open write-only; a mapping needs a handle open for reading (FileAccess.Read or ReadWrite).", path) };
        }

        partial = partial with { Writable = (flags & Interop.Libc.O_ACCMODE) == Interop.Libc.O_RDWR };
        if (Interop.Libc.fstat(fd, out Interop.Libc.StatBuffer st) != 0)
        {
            return partial with { Error = ThrowHelper.CreateForErrno(Marshal.GetLastPInvokeError(), "fstat", path) };
        }

        uint type = st.st_mode & Interop.Libc.S_IFMT;
        if (type == Interop.Libc.S_IFREG)
        {
            return partial with { Size = st.st_size, Alignment = (long)PageFlush.PageSize, HasHoles = st.st_blocks * 512 < st.st_size };
        }

        if (type == Interop.Libc.S_IFCHR)
        {
            uint major = Interop.Libc.Major(st.st_rdev);
            uint minor = Interop.Libc.Minor(st.st_rdev);
            if (DeviceDax.IsDeviceDax(sysfs, major, minor))
            {
                if (DeviceDax.Describe(sysfs, major, minor) is not { } dax)
                {
                    return partial with { Error = Refuse(PmemMapError.InvalidFileType, Interop.Errno.EINVAL, $"Unable to read the size of device DAX {major}:{minor} from /sys/dev/char/{major}:{minor}/size.", path) };
                }

                // pmem2_source_alignment: offsets, lengths and the mapping address are aligned with masks, so it must be a power of two.
                return (dax.Alignment & (dax.Alignment - 1)) != 0
                    ? partial with { Error = Refuse(PmemMapError.InvalidAlignment, Interop.Errno.EINVAL, $"Device DAX {major}:{minor} reports an alignment of {dax.Alignment} bytes in sysfs, which is not a power of two.", path) }
                    : partial with { Size = dax.Size, Alignment = dax.Alignment, DeviceDax = dax };
            }
        }

        string what = type == Interop.Libc.S_IFDIR ? "a directory" : "neither a regular file nor a device-DAX device";
        return partial with { Error = Refuse(PmemMapError.InvalidFileType, Interop.Errno.EINVAL, $"The source is {what}; Pmem maps regular files and /dev/daxN.M devices.", path) };
    }

    private static void Release(PmemSource source, in Described d)
    {
        if (d.OwnsFd && d.Fd >= 0)
        {
            Interop.Libc.close(d.Fd);
        }

        if (d.AddedRef)
        {
            source.Handle!.DangerousRelease();
        }
    }

    private static PmemException? ValidateConfig(PmemMapConfig config, string? path)
    {
        if (config.Protection is not (PmemProtection.Read or PmemProtection.ReadWrite))
        {
            return Refuse(PmemMapError.InvalidProtection, Interop.Errno.EINVAL, $"Protection {config.Protection} is not supported: map with PmemProtection.Read or PmemProtection.ReadWrite (no-access, write-only and executable mappings are not).", path);
        }

        if (config.Sharing is not (PmemSharing.Shared or PmemSharing.Private))
        {
            return Refuse(PmemMapError.InvalidSharing, Interop.Errno.EINVAL, $"Sharing {(int)config.Sharing} is not defined: pass PmemSharing.Shared or PmemSharing.Private.", path);
        }

        if (config.RequiredGranularity is { } g && g is not (PmemGranularity.Byte or PmemGranularity.CacheLine or PmemGranularity.Page))
        {
            return Refuse(PmemMapError.GranularityNotSupported, Interop.Errno.EINVAL, $"Granularity {(int)g} is not defined: pass Byte, CacheLine or Page.", path);
        }

        if (config.Offset < 0)
        {
            return Refuse(PmemMapError.OffsetOutOfRange, Interop.Errno.EINVAL, $"Offset {config.Offset} is negative.", path);
        }

        if (config.Length < 0)
        {
            return Refuse(PmemMapError.MapRange, Interop.Errno.EINVAL, $"Length {config.Length} is negative; pass 0 to map to the end of the source.", path);
        }

        return null;
    }

    /// <summary>pmem2's <c>pmem2_validate_offset</c>.</summary>
    private static PmemException? CheckOffset(PmemMapConfig config, in Described d, string? path) =>
        config.Offset % d.Alignment != 0
            ? Refuse(PmemMapError.OffsetUnaligned, Interop.Errno.EINVAL, $"Offset {config.Offset} is not a multiple of the source's alignment ({d.Alignment} bytes).", path)
            : null;

    /// <summary>pmem2's <c>pmem2_config_validate_length</c>, plus a range that would be empty.</summary>
    private static PmemException? CheckLength(PmemMapConfig config, in Described d, string? path, bool anonymous)
    {
        if (d.Size == 0)
        {
            return Refuse(
                PmemMapError.SourceEmpty,
                Interop.Errno.EINVAL,
                anonymous
                    ? "The anonymous source is empty (0 bytes): there is nothing to map; give it a positive size."
                    : "The source is empty (0 bytes): there is nothing to map. Give the file a length first (PmemFileFlags.Create).",
                path);
        }

        if (config.Length % d.Alignment != 0)
        {
            return Refuse(PmemMapError.LengthUnaligned, Interop.Errno.EINVAL, $"Length {config.Length} is not a multiple of the source's alignment ({d.Alignment} bytes).", path);
        }

        long end = config.Offset + config.Length;
        if (end < config.Offset || end > d.Size || config.Offset >= d.Size)
        {
            return Refuse(
                PmemMapError.MapRange,
                Interop.Errno.EINVAL,
                $"The range [offset {config.Offset}, length {(config.Length == 0 ? "to the end" : config.Length.ToString(System.Globalization.CultureInfo.InvariantCulture))}) does not lie within the source's {d.Size} bytes; the file is never extended by mapping.",
                path);
        }

        return null;
    }

    private static Described Failed(PmemException error) => new(-1, false, false, 0, 0, null, false, false, error);

    private static PmemMapException NoAccess(string message, string? path, int errno = Interop.Errno.EACCES) =>
        Refuse(PmemMapError.NoAccess, errno, message, path);

    private static PmemMapException Refuse(PmemMapError error, int errno, string message, string? path) =>
        new(error, errno, path is null ? message : $"'{path}': {message}", path);
}
