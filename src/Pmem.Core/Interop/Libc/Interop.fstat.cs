using System.Runtime.InteropServices;

namespace Pmem;

internal static partial class Interop
{
    internal static partial class Libc
    {
        internal const uint S_IFMT = 0xF000;
        internal const uint S_IFCHR = 0x2000;
        internal const uint S_IFDIR = 0x4000;
        internal const uint S_IFREG = 0x8000;

        /// <summary>
        /// <c>struct stat</c> as the x86-64 kernel and glibc lay it out (144 bytes). Only the fields Pmem reads
        /// are named; the offsets are proven against the C header by the constants test.
        /// </summary>
        [StructLayout(LayoutKind.Explicit, Size = 144)]
        internal struct StatBuffer
        {
            [FieldOffset(0)] internal ulong st_dev;
            [FieldOffset(24)] internal uint st_mode;
            [FieldOffset(40)] internal ulong st_rdev;
            [FieldOffset(48)] internal long st_size;
            [FieldOffset(56)] internal long st_blksize;
            [FieldOffset(64)] internal long st_blocks;
        }

        [LibraryImport(Libraries.Libc, EntryPoint = "fstat", SetLastError = true)]
        internal static partial int fstat(int fd, out StatBuffer buf);

        [LibraryImport(Libraries.Libc, EntryPoint = "stat", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
        internal static partial int stat(string pathname, out StatBuffer buf);

        /// <summary>glibc's <c>gnu_dev_major</c>: bits 8-19 and 32-43 of a <c>dev_t</c>.</summary>
        internal static uint Major(ulong dev) => (uint)(((dev >> 32) & 0xFFFFF000) | ((dev >> 8) & 0x00000FFF));

        /// <summary>glibc's <c>gnu_dev_minor</c>: bits 0-7 and 20-31 of a <c>dev_t</c>.</summary>
        internal static uint Minor(ulong dev) => (uint)(((dev >> 12) & 0xFFFFFF00) | (dev & 0x000000FF));
    }
}
