using System.Runtime.InteropServices;

namespace Pmem;

internal static partial class Interop
{
    internal static partial class Libc
    {
        /// <summary>posix_fallocate(3). Returns the error number itself (0 on success); errno is not set.</summary>
        [LibraryImport(Libraries.Libc, EntryPoint = "posix_fallocate")]
        internal static partial int posix_fallocate(int fd, long offset, long len);
    }
}
