using System.Runtime.InteropServices;

namespace Pmem;

internal static partial class Interop
{
    internal static partial class Libc
    {
        /// <summary>fcntl command: return the file access mode and status flags.</summary>
        internal const int F_GETFL = 3;

        /// <summary>The access-mode bits of the open flags (O_RDONLY, O_WRONLY or O_RDWR).</summary>
        internal const int O_ACCMODE = 0x3;

        /// <summary>fcntl(2) for commands without an argument (F_GETFL). The C prototype is variadic; on x86-64 an unused third argument is harmless.</summary>
        [LibraryImport(Libraries.Libc, EntryPoint = "fcntl", SetLastError = true)]
        internal static partial int fcntl(int fd, int cmd, int arg);
    }
}
