using System.Runtime.InteropServices;

namespace Pmem;

internal static partial class Interop
{
    internal static partial class Libc
    {
        /// <summary><c>FS_IOC_FIEMAP</c>: <c>_IOWR('f', 11, struct fiemap)</c>, with the 32-byte header.</summary>
        internal const uint FS_IOC_FIEMAP = 0xC020660B;

        /// <summary><c>FIEMAP_FLAG_SYNC</c>: sync the file before mapping its extents.</summary>
        internal const uint FIEMAP_FLAG_SYNC = 0x1;

        /// <summary><c>FIEMAP_EXTENT_LAST</c>: the last extent of the file.</summary>
        internal const uint FIEMAP_EXTENT_LAST = 0x1;

        /// <summary><c>struct fiemap</c>'s header (32 bytes); <c>struct fiemap_extent</c>s follow it.</summary>
        [StructLayout(LayoutKind.Sequential, Size = 32)]
        internal struct Fiemap
        {
            internal ulong fm_start;
            internal ulong fm_length;
            internal uint fm_flags;
            internal uint fm_mapped_extents;
            internal uint fm_extent_count;
            internal uint fm_reserved;
        }

        /// <summary><c>struct fiemap_extent</c> (56 bytes).</summary>
        [StructLayout(LayoutKind.Explicit, Size = 56)]
        internal struct FiemapExtent
        {
            [FieldOffset(0)] internal ulong fe_logical;
            [FieldOffset(8)] internal ulong fe_physical;
            [FieldOffset(16)] internal ulong fe_length;
            [FieldOffset(40)] internal uint fe_flags;
        }

        /// <summary>ioctl(2) with a pointer argument. The C prototype is variadic; on x86-64 the pointer travels in a register either way.</summary>
        [LibraryImport(Libraries.Libc, EntryPoint = "ioctl", SetLastError = true)]
        internal static unsafe partial int ioctl(int fd, nuint request, void* arg);
    }
}
