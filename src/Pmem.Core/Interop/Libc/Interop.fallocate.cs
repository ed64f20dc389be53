using System.Runtime.InteropServices;

namespace Pmem;

internal static partial class Interop
{
    internal static partial class Libc
    {
        /// <summary>Allocate blocks without changing the file's size.</summary>
        internal const int FALLOC_FL_KEEP_SIZE = 0x01;

        /// <summary>fallocate(2). Returns -1 and sets errno on failure.</summary>
        [LibraryImport(Libraries.Libc, EntryPoint = "fallocate", SetLastError = true)]
        internal static partial int fallocate(int fd, int mode, long offset, long len);
    }
}
