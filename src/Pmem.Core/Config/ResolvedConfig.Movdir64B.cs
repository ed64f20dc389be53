using Loop = Pmem.Movdir64BStubEncoding.Loop;

namespace Pmem;

internal sealed unsafe partial class ResolvedConfig
{
    /// <summary>Whether non-temporal copies and fills write their whole lines with MOVDIR64B (<see cref="Movdir64BCopy"/>).</summary>
    internal bool UsesMovdir64B => Movdir64BForward != null;

    /// <summary>Why MOVDIR64B is or is not used.</summary>
    internal string Movdir64BReason { get; private set; } = "";

    /// <summary>The forward MOVDIR64B loop; null when MOVDIR64B is not used.</summary>
    internal delegate* unmanaged[SuppressGCTransition]<byte*, byte*, nuint, void> Movdir64BForward { get; private set; }

    /// <summary>The backward MOVDIR64B loop; null when MOVDIR64B is not used.</summary>
    internal delegate* unmanaged[SuppressGCTransition]<byte*, byte*, nuint, void> Movdir64BBackward { get; private set; }

    /// <summary>The MOVDIR64B fill loop; null when MOVDIR64B is not used.</summary>
    internal delegate* unmanaged[SuppressGCTransition]<byte*, byte*, nuint, void> Movdir64BFill { get; private set; }

    /// <summary>
    /// libpmem's rule (<c>use_movdir64b_memcpy_memset</c>): MOVDIR64B only when asked for with
    /// <c>PMEM_MOVDIR64B</c> and the CPU reports it, and only for the non-temporal routines. Pmem also needs the
    /// vector engines (the head and tail) and the executable stub page; and the real CPU must report it even when a
    /// test simulates another one, since the stub would otherwise fault with #UD.
    /// </summary>
    private void ChooseMovdir64B()
    {
        PmemOptions o = Options;
        if (!o.Movdir64B)
        {
            Movdir64BReason = Cpu.Movdir64B
                ? "off (libpmem's default): the CPU reports MOVDIR64B, PMEM_MOVDIR64B=1 turns it on"
                : "off: not asked for, and the CPU does not report MOVDIR64B";
            return;
        }

        if (!Cpu.Movdir64B || !CpuInfo.Current.Movdir64B)
        {
            Movdir64BReason = "PMEM_MOVDIR64B asks for it, but the CPU does not report MOVDIR64B (CPUID leaf 7 ECX bit 28)";
            return;
        }

        if (Isa == CopyIsa.Generic)
        {
            Movdir64BReason = "PMEM_MOVDIR64B asks for it, but non-temporal stores are off (" + (o.NoMovnt ? "PMEM_NO_MOVNT=1" : "no SSE2") + ")";
            return;
        }

        if (Movdir64BStubs.Failure is { } failure)
        {
            Movdir64BReason = $"PMEM_MOVDIR64B asks for it, but {failure}";
            return;
        }

        Movdir64BForward = Movdir64BStubs.Get(Loop.Forward);
        Movdir64BBackward = Movdir64BStubs.Get(Loop.Backward);
        Movdir64BFill = Movdir64BStubs.Get(Loop.Fill);
        Movdir64BReason = "on (PMEM_MOVDIR64B): whole lines of non-temporal copies and fills are written with MOVDIR64B, heads and tails with " + Isa;
    }
}
