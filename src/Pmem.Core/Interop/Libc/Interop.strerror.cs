using System.Runtime.InteropServices;

namespace Pmem;

internal static partial class Interop
{
    internal static partial class Libc
    {
        /// <summary>strerror(3); glibc's table is static, so the returned text is never freed.</summary>
        [LibraryImport(Libraries.Libc, EntryPoint = "strerror")]
        internal static partial nint strerror(int errnum);

        internal static string StrError(int errno) => Marshal.PtrToStringUTF8(strerror(errno)) ?? $"errno {errno}";
    }
}
