using System;
using System.Diagnostics;
using System.Runtime.InteropServices;

namespace Pmem;

/// <summary>
/// One anonymous page of emitted machine code: written while read-write, then made read-execute (never writable and
/// executable at once). Each stub starts on its own 64-byte line; the bytes between stubs are INT3, so a stray jump
/// traps instead of sliding into the next stub. Used by <see cref="FlushStubs"/> and <see cref="Movdir64BStubs"/>.
/// </summary>
internal static unsafe class StubPage
{
    /// <summary>Each stub starts on its own 64-byte line of the page.</summary>
    internal const int Slot = 64;

    private const nuint PageSize = 4096;

    /// <summary>Maps a page holding <paramref name="stubs"/> (stub <c>i</c> at offset <c>i * 64</c>); the page, or 0 and why not.</summary>
    internal static (nint Page, string? Failure) Emit(ReadOnlySpan<byte[]> stubs)
    {
        Debug.Assert(stubs.Length * Slot <= (int)PageSize, "the stubs fit on one page");
        nint page = Interop.Libc.mmap(
            0,
            PageSize,
            Interop.Libc.PROT_READ | Interop.Libc.PROT_WRITE,
            Interop.Libc.MAP_PRIVATE | Interop.Libc.MAP_ANONYMOUS,
            fd: -1,
            offset: 0);
        if (page == Interop.Libc.MAP_FAILED)
        {
            int errno = Marshal.GetLastPInvokeError();
            return (0, $"mmap of the stub page failed ({ErrnoTable.Name(errno)})");
        }

        var target = new Span<byte>((void*)page, (int)PageSize);
        target.Fill(0xCC); // int3 between stubs
        for (int i = 0; i < stubs.Length; i++)
        {
            Debug.Assert(stubs[i].Length <= Slot, "a stub fits its slot");
            stubs[i].CopyTo(target.Slice(i * Slot, Slot));
        }

        if (Interop.Libc.mprotect(page, PageSize, Interop.Libc.PROT_READ | Interop.Libc.PROT_EXEC) != 0)
        {
            int errno = Marshal.GetLastPInvokeError();
            Interop.Libc.munmap(page, PageSize);
            return (0, $"the kernel refused to make the stub page executable ({ErrnoTable.Name(errno)}; a hardened policy such as SELinux execmem or PaX)");
        }

        return (page, null);
    }
}
