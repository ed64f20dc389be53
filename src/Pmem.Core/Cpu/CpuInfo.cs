using System;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using System.Text;

namespace Pmem;

/// <summary>
/// What the processor offers for persistence: cache-line flush instructions (from CPUID) and vector widths
/// (from .NET's own <c>IsSupported</c>, which also checks that the OS saves the registers). Computed once.
/// </summary>
/// <param name="Vendor">The CPUID vendor string, e.g. <c>AuthenticAMD</c> or <c>GenuineIntel</c>.</param>
/// <param name="Clflush">CPUID leaf 1 EDX bit 19.</param>
/// <param name="Clflushopt">CPUID leaf 7 EBX bit 23.</param>
/// <param name="Clwb">CPUID leaf 7 EBX bit 24.</param>
/// <param name="Movdir64B">CPUID leaf 7 ECX bit 28.</param>
/// <param name="Sse2">.NET <c>Sse2.IsSupported</c>.</param>
/// <param name="Avx">.NET <c>Vector256.IsHardwareAccelerated</c> (AVX2 in .NET's terms).</param>
/// <param name="Avx512F">.NET <c>Avx512F.IsSupported</c>.</param>
internal sealed record CpuInfo(
    string Vendor,
    bool Clflush,
    bool Clflushopt,
    bool Clwb,
    bool Movdir64B,
    bool Sse2,
    bool Avx,
    bool Avx512F)
{
    private static CpuInfo? s_current;

    /// <summary>The processor this process runs on.</summary>
    internal static CpuInfo Current => s_current ??= Detect();

    /// <summary>True when the CPU is made by Intel (libpmem's default for the write-combining workaround).</summary>
    internal bool IsGenuineIntel => Vendor == "GenuineIntel";

    internal static CpuInfo Detect()
    {
        if (!X86Base.IsSupported)
        {
            return new CpuInfo("unknown (not x86-64)", false, false, false, false, false, false, false);
        }

        (int maxLeaf, int ebx0, int ecx0, int edx0) = X86Base.CpuId(0, 0);
        string vendor = VendorString(ebx0, edx0, ecx0);
        (_, _, _, int edx1) = X86Base.CpuId(1, 0);
        var leaf1Edx = (CpuidLeaf1Edx)(uint)edx1;

        var leaf7Ebx = CpuidLeaf7Ebx.None;
        var leaf7Ecx = CpuidLeaf7Ecx.None;
        if (maxLeaf >= 7)
        {
            (_, int ebx7, int ecx7, _) = X86Base.CpuId(7, 0);
            leaf7Ebx = (CpuidLeaf7Ebx)(uint)ebx7;
            leaf7Ecx = (CpuidLeaf7Ecx)(uint)ecx7;
        }

        return new CpuInfo(
            vendor,
            Clflush: leaf1Edx.HasFlag(CpuidLeaf1Edx.Clflush),
            Clflushopt: leaf7Ebx.HasFlag(CpuidLeaf7Ebx.Clflushopt),
            Clwb: leaf7Ebx.HasFlag(CpuidLeaf7Ebx.Clwb),
            Movdir64B: leaf7Ecx.HasFlag(CpuidLeaf7Ecx.Movdir64B),
            Sse2: System.Runtime.Intrinsics.X86.Sse2.IsSupported,
            Avx: Vector256.IsHardwareAccelerated,
            Avx512F: System.Runtime.Intrinsics.X86.Avx512F.IsSupported);
    }

    /// <summary>The 12-character vendor string is EBX, EDX, ECX of leaf 0, in that order.</summary>
    private static string VendorString(int ebx, int edx, int ecx)
    {
        Span<byte> bytes = stackalloc byte[12];
        System.Buffers.Binary.BinaryPrimitives.WriteInt32LittleEndian(bytes, ebx);
        System.Buffers.Binary.BinaryPrimitives.WriteInt32LittleEndian(bytes[4..], edx);
        System.Buffers.Binary.BinaryPrimitives.WriteInt32LittleEndian(bytes[8..], ecx);
        return Encoding.ASCII.GetString(bytes);
    }
}
