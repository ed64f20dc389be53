using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics.X86;

namespace Pmem;

/// <summary>The flush, drain and persist primitives on raw addresses, under a given configuration.</summary>
internal static unsafe class FlushEngine
{
    /// <summary>
    /// The most a single suppressed-GC-transition stub call flushes. A 256 MiB flush in one such call held off
    /// the GC for 3 ms (gen-0 pauses rose from 27 µs to 1.2 ms); 64 KiB chunks keep pauses near 60 µs.
    /// </summary>
    internal const nuint ChunkSize = 64 * 1024;

    internal const nuint LineSize = 64;

    /// <summary>Flushes the lines of <c>[addr, addr + length)</c> unless flushes are off (eADR, <c>PMEM_NO_FLUSH=1</c>).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static void Flush(ResolvedConfig config, byte* addr, nuint length)
    {
        if (config.FlushesCaches)
        {
            FlushLines(config, addr, length);
        }
        else if (!config.HasCpuFlush)
        {
            PageFlush.Sync(addr, length);
        }
    }

    /// <summary>Flushes regardless of eADR and <c>PMEM_NO_FLUSH</c> (libpmem's deep flush).</summary>
    internal static void DeepFlush(ResolvedConfig config, byte* addr, nuint length)
    {
        if (config.HasCpuFlush)
        {
            FlushLines(config, addr, length);
        }
        else
        {
            PageFlush.Sync(addr, length);
        }
    }

    /// <summary>SFENCE when the flush instruction needs one to complete (CLWB, CLFLUSHOPT).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static void Drain(ResolvedConfig config)
    {
        if (config.DrainFences)
        {
            Sse.StoreFence();
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static void Persist(ResolvedConfig config, byte* addr, nuint length)
    {
        Flush(config, addr, length);
        Drain(config);
    }

    /// <summary>Runs the stub over line-aligned chunks of at most <see cref="ChunkSize"/> bytes.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static void FlushLines(ResolvedConfig config, byte* addr, nuint length)
    {
        Debug.Assert(config.HasCpuFlush, "a flush stub exists");
        var stub = config.FlushStub;
        if (length <= ChunkSize)
        {
            stub(addr, length);
            return;
        }

        FlushChunked(stub, addr, length);
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void FlushChunked(delegate* unmanaged[SuppressGCTransition]<byte*, nuint, void> stub, byte* addr, nuint length)
    {
        byte* end = addr + length;
        byte* p = (byte*)((nuint)addr & ~(LineSize - 1));
        while ((nuint)(end - p) > ChunkSize)
        {
            stub(p, ChunkSize);
            p += ChunkSize;
        }

        stub(p, (nuint)(end - p));
    }
}
