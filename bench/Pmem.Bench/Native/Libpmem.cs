using System.Runtime.InteropServices;

namespace Pmem.Bench.Native;

/// <summary>Debian's libpmem called from .NET by P/Invoke, as a .NET program without Pmem would call it.</summary>
internal static unsafe partial class Libpmem
{
    internal const string Library = "libpmem.so.1";

    [LibraryImport(Library)]
    internal static partial void pmem_persist(void* addr, nuint len);

    [LibraryImport(Library)]
    internal static partial void pmem_flush(void* addr, nuint len);

    [LibraryImport(Library)]
    internal static partial void pmem_drain();

    [LibraryImport(Library)]
    internal static partial int pmem_msync(void* addr, nuint len);

    [LibraryImport(Library)]
    internal static partial void* pmem_memcpy_persist(void* dest, void* src, nuint len);

    [LibraryImport(Library)]
    internal static partial void* pmem_memmove_persist(void* dest, void* src, nuint len);

    [LibraryImport(Library)]
    internal static partial void* pmem_memset_persist(void* dest, int c, nuint len);

    /// <summary>True when libpmem.so.1 can be loaded (the libpmem1 package is installed).</summary>
    internal static bool IsAvailable() => NativeLibrary.TryLoad(Library, out _);
}
