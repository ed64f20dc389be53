using System;
using System.IO;
using System.Text;

namespace Pmem;

/// <summary>Follows a symbolic link whose target does not exist, so that Create can make the target as open(2) would.</summary>
internal static unsafe class SymbolicLinks
{
    /// <summary>The path <paramref name="path"/> points to when it is a symbolic link to nothing; otherwise null.</summary>
    internal static string? DanglingTarget(string path)
    {
        if (Interop.Libc.lstat(path, out Interop.Libc.StatBuffer st) != 0 || (st.st_mode & Interop.Libc.S_IFMT) != Interop.Libc.S_IFLNK)
        {
            return null;
        }

        const int Max = 4096; // PATH_MAX
        byte* buffer = stackalloc byte[Max];
        nint count = Interop.Libc.readlink(path, buffer, Max);
        if (count <= 0 || count >= Max)
        {
            return null;
        }

        string target = Encoding.UTF8.GetString(buffer, (int)count);
        if (target.Contains('\0', StringComparison.Ordinal))
        {
            return null;
        }

        return Path.IsPathRooted(target) ? target : Path.Combine(Path.GetDirectoryName(path) ?? "", target);
    }
}
