using System;

namespace Pmem;

/// <summary>
/// The emitted flush loops, one per instruction, on one <see cref="StubPage"/>. Built at first use, kept for the
/// process lifetime.
/// </summary>
internal static unsafe class FlushStubs
{
    private const int Slot = StubPage.Slot;

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
        var code = new byte[s_order.Length][];
        for (int i = 0; i < s_order.Length; i++)
        {
            code[i] = FlushStubEncoding.Encode(s_order[i]);
        }

        return StubPage.Emit(code);
    }
}
