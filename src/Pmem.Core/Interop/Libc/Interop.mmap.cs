using System.Runtime.InteropServices;

namespace Pmem;

internal static partial class Interop
{
    internal static partial class Libc
    {
        internal const int PROT_NONE = 0x0;
        internal const int PROT_READ = 0x1;
        internal const int PROT_WRITE = 0x2;
        internal const int PROT_EXEC = 0x4;

        internal const int MAP_SHARED = 0x01;
        internal const int MAP_PRIVATE = 0x02;
        /// <summary>Like MAP_SHARED, but the kernel rejects unknown flags (required for MAP_SYNC to be honoured).</summary>
        internal const int MAP_SHARED_VALIDATE = 0x03;
        internal const int MAP_FIXED = 0x10;
        internal const int MAP_ANONYMOUS = 0x20;
        internal const int MAP_NORESERVE = 0x4000;
        /// <summary>Synchronous page faults: file metadata is durable before a write fault returns (DAX only).</summary>
        internal const int MAP_SYNC = 0x80000;
        internal const int MAP_FIXED_NOREPLACE = 0x100000;

        /// <summary>The <c>(void*)-1</c> that mmap returns on failure.</summary>
        internal static readonly nint MAP_FAILED = -1;

        [LibraryImport(Libraries.Libc, EntryPoint = "mmap", SetLastError = true)]
        internal static partial nint mmap(nint addr, nuint length, int prot, int flags, int fd, long offset);
    }
}
