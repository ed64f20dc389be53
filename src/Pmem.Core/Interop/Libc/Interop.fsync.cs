using System.Runtime.InteropServices;

namespace Pmem;

internal static partial class Interop
{
    internal static partial class Libc
    {
        /// <summary>fsync(2): the file's data and metadata (for a directory: its entries) are durable on success.</summary>
        [LibraryImport(Libraries.Libc, EntryPoint = "fsync", SetLastError = true)]
        internal static partial int fsync(int fd);
    }
}
