using System.Runtime.InteropServices;

namespace Pmem;

internal static partial class Interop
{
    internal static partial class Libc
    {
        internal const int MS_ASYNC = 1;
        internal const int MS_INVALIDATE = 2;
        internal const int MS_SYNC = 4;

        [LibraryImport(Libraries.Libc, EntryPoint = "msync", SetLastError = true)]
        internal static partial int msync(nint addr, nuint length, int flags);
    }
}
