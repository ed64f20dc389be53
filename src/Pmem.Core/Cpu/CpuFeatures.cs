using System;

namespace Pmem;

/// <summary>CPUID leaf 1 EDX bits Pmem reads.</summary>
[Flags]
internal enum CpuidLeaf1Edx : uint
{
    None = 0,
    /// <summary>CLFLUSH instruction (CLFSH).</summary>
    Clflush = 1u << 19,
    Sse2 = 1u << 26,
}

/// <summary>CPUID leaf 7 sub-leaf 0 EBX bits Pmem reads.</summary>
[Flags]
internal enum CpuidLeaf7Ebx : uint
{
    None = 0,
    Avx2 = 1u << 5,
    Avx512F = 1u << 16,
    Clflushopt = 1u << 23,
    Clwb = 1u << 24,
}

/// <summary>CPUID leaf 7 sub-leaf 0 ECX bits Pmem reads.</summary>
[Flags]
internal enum CpuidLeaf7Ecx : uint
{
    None = 0,
    Movdir64B = 1u << 28,
}
