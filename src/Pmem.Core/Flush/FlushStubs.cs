using System;
using System.Runtime.InteropServices;

namespace Pmem;

/// <summary>
/// The emitted flush loops, one per instruction, on one anonymous page that is written while read-write and then
/// made read-execute (never writable and executable at once). Built at first use, kept for the process lifetime.
/// </summary>
internal static unsafe class FlushStubs
{
    /// <summary>Each stub starts on its own 64-byte line of the page.</summary>
    private const int Slot = 64;

    private static readonly FlushInstruction[] s_order = [FlushInstruction.Clflush, FlushInstruction.Clflushopt, FlushInstruction.Clwb];
    private static readonly Lazy<(nint Page, string? Failure)> s_page = new(Emit);

    /// <summary>Why the stubs could not be made, or <see langword="null"/> when they exist.</summary>
    internal static string? Failure => s_page.Value.Failure;

    /// <summary>The stub for <paramref name="instruction"/>, or <see langword="null"/> when the page could not be made.</summary>
    internal static delegate* unmanaged[SuppressGCTransition]<byte*, nuint, void> Get(FlushInstruction instruction)
    {
        nint page = s_page.Value.Page;
        if (page == 0 || instruction == FlushInstruction.None)
        {
            return null;
        }

        int index = Array.IndexOf(s_order, instruction);
        return (delegate* unmanaged[SuppressGCTransition]<byte*, nuint, void>)(page + index * Slot);
    }

    /// <summary>The address of the stub for <paramref name="instruction"/>, 0 when there is none.</summary>
    internal static nint AddressOf(FlushInstruction instruction) => (nint)Get(instruction);

    /// <summary>Runs the stub for <paramref name="instruction"/> directly (tests and diagnostics).</summary>
    internal static void Run(FlushInstruction instruction, byte* addr, nuint length)
    {
        var stub = Get(instruction);
        if (stub == null)
        {
            ThrowHelper.ThrowPmemException(Interop.Errno.EOPNOTSUPP, $"No {instruction} stub: {Failure ?? "no such instruction"}.");
        }

        stub(addr, length);
    }

    private static (nint, string?) Emit()
    {
        const nuint pageSize = 4096;
        nint page = Interop.Libc.mmap(
            0,
            pageSize,
            Interop.Libc.PROT_READ | Interop.Libc.PROT_WRITE,
            Interop.Libc.MAP_PRIVATE | Interop.Libc.MAP_ANONYMOUS,
            fd: -1,
            offset: 0);
        if (page == Interop.Libc.MAP_FAILED)
        {
            int errno = Marshal.GetLastPInvokeError();
            return (0, $"mmap of the stub page failed ({ErrnoNames.Name(errno)})");
        }

        var target = new Span<byte>((void*)page, (int)pageSize);
        target.Fill(0xCC); // int3 between stubs: a stray jump traps instead of sliding.
        for (int i = 0; i < s_order.Length; i++)
        {
            byte[] code = FlushStubEncoding.Encode(s_order[i]);
            code.CopyTo(target.Slice(i * Slot, Slot));
        }

        if (Interop.Libc.mprotect(page, pageSize, Interop.Libc.PROT_READ | Interop.Libc.PROT_EXEC) != 0)
        {
            int errno = Marshal.GetLastPInvokeError();
            Interop.Libc.munmap(page, pageSize);
            return (0, $"the kernel refused to make the stub page executable ({ErrnoNames.Name(errno)}; a hardened policy such as SELinux execmem or PaX)");
        }

        return (page, null);
    }
}
