using System;
using Loop = Pmem.Movdir64BStubEncoding.Loop;

namespace Pmem;

/// <summary>
/// The emitted MOVDIR64B line loops (<see cref="Movdir64BStubEncoding"/>) on their own <see cref="StubPage"/>,
/// built at first use (only when MOVDIR64B is asked for and the CPU has it), kept for the process lifetime.
/// </summary>
internal static unsafe class Movdir64BStubs
{
    private static readonly Lazy<(nint Page, string? Failure)> s_page = new(Emit);

    /// <summary>Why the stubs could not be made, or <see langword="null"/> when they exist.</summary>
    internal static string? Failure => s_page.Value.Failure;

    /// <summary>The stub for <paramref name="loop"/>, or <see langword="null"/> when the page could not be made.</summary>
    /// <remarks>Callable only on a CPU that reports MOVDIR64B (CPUID leaf 7 ECX bit 28); elsewhere it raises #UD.</remarks>
    internal static delegate* unmanaged[SuppressGCTransition]<byte*, byte*, nuint, void> Get(Loop loop)
    {
        nint page = s_page.Value.Page;
        return page == 0
            ? null
            : (delegate* unmanaged[SuppressGCTransition]<byte*, byte*, nuint, void>)(page + (int)loop * StubPage.Slot);
    }

    private static (nint, string?) Emit() =>
        StubPage.Emit([
            Movdir64BStubEncoding.Encode(Loop.Forward),
            Movdir64BStubEncoding.Encode(Loop.Backward),
            Movdir64BStubEncoding.Encode(Loop.Fill),
        ]);
}
