using System.Runtime.InteropServices;

namespace Pmem;

internal static partial class Interop
{
    internal static partial class Libc
    {
        /// <summary>
        /// Fault the range in writable (allocating a file's blocks or a tmpfs page) without touching its bytes; fails
        /// with EFAULT where a store would have raised SIGBUS (Linux 5.14).
        /// </summary>
        internal const int MADV_POPULATE_WRITE = 23;

        [LibraryImport(Libraries.Libc, EntryPoint = "madvise", SetLastError = true)]
        internal static partial int madvise(nint addr, nuint length, int advice);
    }
}
