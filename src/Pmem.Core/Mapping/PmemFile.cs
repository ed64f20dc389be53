using System;
using System.Diagnostics.CodeAnalysis;
using System.IO;

namespace Pmem;

/// <summary>
/// Maps files and device-DAX devices for persistent-memory use with the semantics of libpmem's
/// <c>pmem_map_file</c>, and tells whether stores to the mapping become durable by CPU flushes alone.
/// </summary>
public static partial class PmemFile
{
    /// <summary>The mode libpmem's examples pass: read and write for everyone, before the umask.</summary>
    public const UnixFileMode DefaultMode =
        UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.GroupWrite |
        UnixFileMode.OtherRead | UnixFileMode.OtherWrite;

    /// <summary>
    /// Maps <paramref name="path"/> read-write, shared, as <c>pmem_map_file</c> does.
    /// </summary>
    /// <remarks>
    /// <para>Without <see cref="PmemFileFlags.Create"/>, <paramref name="length"/> must be 0 and the whole existing file is
    /// mapped. With it, <paramref name="length"/> must be positive: the file is created if missing, its size set to
    /// exactly <paramref name="length"/> (extended or truncated), and its space allocated unless
    /// <see cref="PmemFileFlags.Sparse"/>. A device-DAX path takes length 0 or its exact size.</para>
    /// <para>The mapping uses MAP_SYNC when the kernel accepts it and starts on a 2 MiB boundary (1 GiB from 2 GiB).
    /// Nothing is made durable by this call; a new file's contents are zero.</para>
    /// <para>On failure nothing is left behind: a file the call created is removed, and an existing file keeps its size,
    /// contents and mode (the size changes only after the mmap succeeded).</para>
    /// </remarks>
    /// <param name="path">The file, a device-DAX device, or with <see cref="PmemFileFlags.TempFile"/> a directory.</param>
    /// <param name="length">0 to map an existing file whole; the file's new length with <see cref="PmemFileFlags.Create"/>.</param>
    /// <param name="flags">libpmem's <c>PMEM_FILE_*</c> flags.</param>
    /// <param name="mode">Permissions of a created file (before the umask).</param>
    /// <returns>The mapping; dispose it to unmap.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="path"/> is null.</exception>
    /// <exception cref="ArgumentException"><paramref name="path"/> contains a NUL character, or <paramref name="mode"/> has bits outside 0o777 (nothing was touched).</exception>
    /// <exception cref="PmemException">The arguments were refused (EINVAL) or a system call failed; <see cref="PmemException.Errno"/> is libpmem's errno.</exception>
    public static PmemMapping Map(string path, long length, PmemFileFlags flags, UnixFileMode mode)
    {
        if (!TryMap(path, length, flags, mode, out PmemMapping? mapping, out PmemException? error))
        {
            throw error;
        }

        return mapping;
    }

    /// <summary>Maps <paramref name="path"/> with <see cref="DefaultMode"/> for created files; see <see cref="Map(string, long, PmemFileFlags, UnixFileMode)"/>.</summary>
    /// <param name="path">The file, a device-DAX device, or with <see cref="PmemFileFlags.TempFile"/> a directory.</param>
    /// <param name="length">0 to map an existing file whole; the file's new length with <see cref="PmemFileFlags.Create"/>.</param>
    /// <param name="flags">libpmem's <c>PMEM_FILE_*</c> flags.</param>
    /// <returns>The mapping; dispose it to unmap.</returns>
    /// <exception cref="PmemException">The arguments were refused or a system call failed.</exception>
    public static PmemMapping Map(string path, long length = 0, PmemFileFlags flags = PmemFileFlags.None) =>
        Map(path, length, flags, DefaultMode);

    /// <summary>As <see cref="Map(string, long, PmemFileFlags, UnixFileMode)"/>, reporting failure through <paramref name="error"/> instead of throwing.</summary>
    /// <remarks>Same guarantees: on failure nothing is left behind. Arguments no file can satisfy (a NUL in the path, mode
    /// bits outside 0o777) are programming errors and throw <see cref="ArgumentException"/> here too.</remarks>
    /// <param name="path">The file, a device-DAX device, or with <see cref="PmemFileFlags.TempFile"/> a directory.</param>
    /// <param name="length">0 to map an existing file whole; the file's new length with <see cref="PmemFileFlags.Create"/>.</param>
    /// <param name="flags">libpmem's <c>PMEM_FILE_*</c> flags.</param>
    /// <param name="mode">Permissions of a created file (before the umask).</param>
    /// <param name="mapping">The mapping on success.</param>
    /// <param name="error">Why it failed, with errno and path.</param>
    /// <returns><see langword="true"/> when mapped.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="path"/> is null.</exception>
    /// <exception cref="ArgumentException"><paramref name="path"/> contains a NUL character, or <paramref name="mode"/> has bits outside 0o777.</exception>
    public static bool TryMap(
        string path,
        long length,
        PmemFileFlags flags,
        UnixFileMode mode,
        [NotNullWhen(true)] out PmemMapping? mapping,
        [NotNullWhen(false)] out PmemException? error)
    {
        ValidateArguments(path, mode);
        mapping = null;
        error = MapCore(path, length, flags, mode, ResolvedConfig.Current, ref mapping);
        return error is null;
    }

    /// <summary>Every mode bit a created file may have: read, write and execute for user, group and others (0o777).</summary>
    private const UnixFileMode PermissionBits = (UnixFileMode)0x1FF;

    private static void ValidateArguments(string path, UnixFileMode mode)
    {
        ArgumentNullException.ThrowIfNull(path);
        if (path.Contains('\0', StringComparison.Ordinal))
        {
            throw new ArgumentException("The path contains a NUL character; the system would see only the part before it.", nameof(path));
        }

        if ((mode & ~PermissionBits) != 0)
        {
            throw new ArgumentException(
                $"Mode {Convert.ToString((int)mode, 8)} has bits outside 0o777 (setuid, setgid, sticky or undefined); a data file takes permission bits only.",
                nameof(mode));
        }
    }
}
