using System.Runtime.InteropServices;

namespace Pmem;

/// <summary>msync(2) the way libpmem's <c>pmem_msync</c> calls it: page-aligned down, MS_SYNC, retried on EINTR.</summary>
internal static unsafe class PageFlush
{
    private static readonly nuint s_pageSize = (nuint)Interop.Libc.getpagesize();

    internal static nuint PageSize => s_pageSize;

    /// <summary>Writes back the pages that hold <c>[addr, addr + length)</c>; throws <see cref="PmemException"/> on failure.</summary>
    internal static void Sync(void* addr, nuint length)
    {
        int errno = TrySync(addr, length);
        if (errno != 0)
        {
            ThrowHelper.ThrowForErrno(errno, $"msync of [0x{(nuint)addr:x}, +{length})");
        }
    }

    /// <summary>As <see cref="Sync"/>, returning 0 or the errno.</summary>
    internal static int TrySync(void* addr, nuint length)
    {
        nuint start = (nuint)addr & ~(s_pageSize - 1);
        nuint span = length + ((nuint)addr - start);
        while (Interop.Libc.msync((nint)start, span, Interop.Libc.MS_SYNC) != 0)
        {
            int errno = Marshal.GetLastPInvokeError();
            if (errno != Interop.Errno.EINTR)
            {
                return errno;
            }
        }

        return 0;
    }
}
