using System.Runtime.InteropServices;

namespace Pmem;

internal static partial class Interop
{
    internal static partial class Libc
    {
        /// <summary>realpath(3) with a NULL buffer: the result is malloc'd and must be released with <see cref="free"/>.</summary>
        [LibraryImport(Libraries.Libc, EntryPoint = "realpath", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
        internal static partial nint realpath(string path, nint resolved);

        /// <summary>realpath(3) as a string, or <see langword="null"/> when the path does not resolve.</summary>
        internal static string? RealPath(string path)
        {
            nint p = realpath(path, 0);
            if (p == 0)
            {
                return null;
            }

            try
            {
                return Marshal.PtrToStringUTF8(p);
            }
            finally
            {
                free(p);
            }
        }
    }
}
