using System.Runtime.InteropServices;

namespace Pmem;

internal static partial class Interop
{
    internal static partial class Libc
    {
        internal const uint S_IFLNK = 0xA000;

        /// <summary>lstat(2): as stat, but a symbolic link is described itself.</summary>
        [LibraryImport(Libraries.Libc, EntryPoint = "lstat", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
        internal static partial int lstat(string pathname, out StatBuffer buf);
    }
}
