namespace Pmem;

/// <summary>The instruction-set path the persistent copy engine uses for non-temporal copies and fills.</summary>
public enum CopyIsa
{
    /// <summary>No non-temporal stores: 8-byte temporal stores then flushes (libpmem's generic path, <c>PMEM_NO_MOVNT=1</c>).</summary>
    Generic = 0,

    /// <summary>128-bit vectors (SSE2 <c>MOVNTDQ</c>).</summary>
    Sse2 = 1,

    /// <summary>256-bit vectors (AVX/AVX2 <c>VMOVNTDQ ymm</c>).</summary>
    Avx = 2,

    /// <summary>512-bit vectors (AVX-512F <c>VMOVNTDQ zmm</c>).</summary>
    Avx512F = 3,
}
