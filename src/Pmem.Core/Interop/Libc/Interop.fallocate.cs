using System.Runtime.InteropServices;

namespace Pmem;

internal static partial class Interop
{
    internal static partial class Libc
    {
        /// <summary>Allocate blocks without changing the file's size.</summary>
        internal const int FALLOC_FL_KEEP_SIZE = 0x01;

        /// <summary>Deallocate the range (a hole); must be combined with <see cref="FALLOC_FL_KEEP_SIZE"/>.</summary>
        internal const int FALLOC_FL_PUNCH_HOLE = 0x02;

        /// <summary>fallocate(2). Returns -1 and sets errno on failure.</summary>
        [LibraryImport(Libraries.Libc, EntryPoint = "fallocate", SetLastError = true)]
        internal static partial int fallocate(int fd, int mode, long offset, long len);
    }
}
