using System;
using System.IO;
using System.Runtime.InteropServices;

namespace Pmem;

public static partial class PmemFile
{
    private const PmemFileFlags AllFlags = PmemFileFlags.Create | PmemFileFlags.Exclusive | PmemFileFlags.Sparse | PmemFileFlags.TempFile;
    private const PmemFileFlags DeviceDaxFlags = PmemFileFlags.Create | PmemFileFlags.Sparse;

    private static PmemException Invalid(string message, string path) => new(Interop.Errno.EINVAL, message, path);

    /// <summary>The whole of <c>pmem_map_file</c>: returns the error, or sets <paramref name="mapping"/>.</summary>
    private static PmemException? MapCore(string path, long length, PmemFileFlags flags, UnixFileMode mode, ResolvedConfig config, ref PmemMapping? mapping)
    {
        (FileTargetKind kind, uint major, uint minor, int typeErrno) = FileTarget.Classify(path, config.Options.SysfsRoot);
        if (kind == FileTargetKind.Unsupported)
        {
            return Invalid($"'{path}' is neither a regular file nor a device-DAX device; Pmem maps files and /dev/daxX.Y devices only.", path);
        }

        if (typeErrno != 0)
        {
            return ThrowHelper.CreateForErrno(typeErrno, "stat", path);
        }

        if ((flags & ~AllFlags) != 0)
        {
            return Invalid($"Invalid PmemFileFlags 0x{(int)flags:X}: only Create, Exclusive, Sparse and TempFile are defined.", path);
        }

        if (kind == FileTargetKind.DeviceDax)
        {
            return MapDeviceDax(path, length, flags, major, minor, config, ref mapping);
        }

        bool create = (flags & PmemFileFlags.Create) != 0;
        if (create && length < 0)
        {
            return Invalid($"Invalid length {length}: with Create the length must be positive.", path);
        }

        if (!create && length != 0)
        {
            return Invalid($"A non-zero length ({length}) needs PmemFileFlags.Create; pass 0 to map the existing file whole.", path);
        }

        if (create && length == 0)
        {
            return Invalid("Length 0 is not allowed with PmemFileFlags.Create; pass the file's length in bytes.", path);
        }

        if ((flags & PmemFileFlags.TempFile) != 0 && !create)
        {
            return Invalid("PmemFileFlags.TempFile needs PmemFileFlags.Create (and a length).", path);
        }

        FileOpener.Opened file = FileOpener.Open(path, flags, mode);
        if (file.Errno == Interop.Errno.ENOENT && create)
        {
            return new PmemException(
                file.Errno,
                $"{file.Operation} '{path}' failed: {Interop.Libc.StrError(file.Errno)} (ENOENT). A directory on the path does not exist; create it first.",
                path);
        }

        if (file.Errno != 0)
        {
            return ThrowHelper.CreateForErrno(file.Errno, file.Operation, path);
        }

        try
        {
            bool sparse = (flags & PmemFileFlags.Sparse) != 0;
            if (!create)
            {
                if (Interop.Libc.fstat(file.Fd, out Interop.Libc.StatBuffer st) != 0)
                {
                    return ThrowHelper.CreateForErrno(Marshal.GetLastPInvokeError(), "fstat", path);
                }

                length = st.st_size;
                if (length == 0)
                {
                    return Invalid($"'{path}' is empty: there is nothing to map. Create it with a length (PmemFileFlags.Create).", path);
                }

                sparse = HasHoles(st);
            }

            // Map first, size second: a map that fails (no address space, a limit) leaves an existing file exactly as
            // it was. Mapping past the end of the file is allowed; the size is set before the mapping is returned.
            AlignedMapper.Result mapped = AlignedMapper.Map(file.Fd, length, AlignedMapper.AlignmentFor(length), config.Options.MmapHint);
            if (mapped.Errno != 0)
            {
                FileOpener.Undo(file);
                return ThrowHelper.CreateForErrno(mapped.Errno, $"{mapped.Operation} of {length} bytes of", path);
            }

            if (create)
            {
                (int errno, string operation) = FileOpener.SetLength(file, length, sparse);
                if (errno != 0)
                {
                    AlignedMapper.Unmap(mapped);
                    FileOpener.Undo(file);
                    return ThrowHelper.CreateForErrno(errno, operation, path);
                }
            }

            mapping = PmemMapping.Create(mapped, length, deviceDax: null, config, file.IsTemporary ? null : path, sparse);
            return null;
        }
        finally
        {
            Interop.Libc.close(file.Fd);
        }
    }

    /// <summary>True when the file has fewer blocks than its size needs (holes a store may have to allocate).</summary>
    private static bool HasHoles(in Interop.Libc.StatBuffer st) => st.st_blocks * 512 < st.st_size;

    private static PmemException? MapDeviceDax(string path, long length, PmemFileFlags flags, uint major, uint minor, ResolvedConfig config, ref PmemMapping? mapping)
    {
        if ((flags & ~DeviceDaxFlags) != 0)
        {
            return Invalid($"Flags {flags} are not supported for device DAX '{path}': only Create and Sparse are accepted (and ignored).", path);
        }

        if (DeviceDax.Describe(config.Options.SysfsRoot, major, minor) is not { } dax)
        {
            return Invalid($"Unable to read the size of device DAX '{path}' from /sys/dev/char/{major}:{minor}/size.", path);
        }

        if (length != 0 && length != dax.Size)
        {
            return Invalid($"Device DAX length must be 0 or exactly the device size ({dax.Size} bytes); {length} was given.", path);
        }

        int fd = Interop.Libc.open(path, Interop.Libc.O_RDWR | Interop.Libc.O_CLOEXEC, 0);
        if (fd < 0)
        {
            return ThrowHelper.CreateForErrno(Marshal.GetLastPInvokeError(), "open", path);
        }

        try
        {
            long alignment = Math.Max(dax.Alignment, AlignedMapper.AlignmentFor(dax.Size));
            AlignedMapper.Result mapped = AlignedMapper.Map(fd, dax.Size, alignment, config.Options.MmapHint);
            if (mapped.Errno != 0)
            {
                return ThrowHelper.CreateForErrno(mapped.Errno, $"{mapped.Operation} of device DAX", path);
            }

            mapping = PmemMapping.Create(mapped, dax.Size, dax, config, path);
            return null;
        }
        finally
        {
            Interop.Libc.close(fd);
        }
    }
}
