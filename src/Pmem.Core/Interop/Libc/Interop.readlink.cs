using System.Runtime.InteropServices;

namespace Pmem;

internal static partial class Interop
{
    internal static partial class Libc
    {
        /// <summary>readlink(2): the link's target bytes (not NUL-terminated), their count, or -1.</summary>
        [LibraryImport(Libraries.Libc, EntryPoint = "readlink", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
        internal static unsafe partial nint readlink(string pathname, byte* buf, nuint bufsiz);
    }
}
