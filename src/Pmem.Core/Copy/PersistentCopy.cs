using System;
using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics.X86;

namespace Pmem;

/// <summary>
/// Persistent memmove and memset under a configuration (libpmem's <c>pmem_memmove</c> / <c>pmem_memset</c>):
/// <see cref="CopyDecision"/> picks the routine, the engine of the configured width runs it, then the drain follows
/// unless <see cref="PmemCopyFlags.NoDrain"/> or <see cref="PmemCopyFlags.NoFlush"/>.
/// </summary>
/// <remarks>
/// <para>Engines: <see cref="NonTemporalMove"/>/<see cref="NonTemporalFill"/> and
/// <see cref="TemporalMove"/>/<see cref="TemporalFill"/>, compiled once per width (<see cref="VectorLine512"/>,
/// <see cref="VectorLine256"/>, <see cref="VectorLine128"/>), and <see cref="GenericCopy"/> for
/// <c>PMEM_NO_MOVNT=1</c>. The width comes from <see cref="PersistenceConfig.Isa"/> (CPU and <c>PMEM_AVX</c>,
/// <c>PMEM_AVX512F</c>).</para>
/// <para>Fences, as libpmem: with CLWB or CLFLUSHOPT a non-temporal copy ends without SFENCE, because the drain
/// that follows is one (and with <see cref="PmemCopyFlags.NoDrain"/> the caller's later drain is). With CLFLUSH
/// only, the drain is empty (CLFLUSH orders itself), so the streaming stores get their own SFENCE at the end; and
/// with flushes off (eADR) a non-temporal copy always ends with SFENCE.</para>
/// <para>Every entry returns the <see cref="CopyRun"/> that executed, for tests; callers on the public surface
/// discard it, which costs nothing.</para>
/// </remarks>
internal static unsafe class PersistentCopy
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static void ValidateFlags(PmemCopyFlags flags)
    {
        if ((flags & ~PmemCopyFlags.All) != 0)
        {
            ThrowHelper.ThrowInvalidCopyFlags(flags);
        }
    }

    /// <summary>Copies <paramref name="length"/> bytes (overlap-safe) and persists them as <paramref name="flags"/> say.</summary>
    internal static CopyRun Memmove(PersistenceConfig config, byte* dest, byte* src, nuint length, PmemCopyFlags flags)
    {
        ValidateFlags(flags);
        CopyPath path = CopyDecision.Choose(config, flags, length, dest == src);
        CopyRun run = default;
        if (path != CopyPath.None)
        {
            run = config.Isa switch
            {
                CopyIsa.Avx512F => MoveVector<VectorLine512>(config, path, dest, src, length),
                CopyIsa.Avx => MoveVector<VectorLine256>(config, path, dest, src, length),
                CopyIsa.Sse2 => MoveVector<VectorLine128>(config, path, dest, src, length),
                _ => MoveScalar(config, path, dest, src, length),
            };
        }

        DrainUnlessAsked(config, flags);
        return run;
    }

    /// <summary>Fills <paramref name="length"/> bytes with <paramref name="value"/> and persists them as <paramref name="flags"/> say.</summary>
    internal static CopyRun Memset(PersistenceConfig config, byte* dest, byte value, nuint length, PmemCopyFlags flags)
    {
        ValidateFlags(flags);
        CopyPath path = CopyDecision.Choose(config, flags, length, sameAddress: false);
        CopyRun run = default;
        if (path != CopyPath.None)
        {
            run = config.Isa switch
            {
                CopyIsa.Avx512F => FillVector<VectorLine512>(config, path, dest, value, length),
                CopyIsa.Avx => FillVector<VectorLine256>(config, path, dest, value, length),
                CopyIsa.Sse2 => FillVector<VectorLine128>(config, path, dest, value, length),
                _ => FillScalar(config, path, dest, value, length),
            };
        }

        DrainUnlessAsked(config, flags);
        return run;
    }

    private static CopyRun MoveVector<TLine>(PersistenceConfig config, CopyPath path, byte* dest, byte* src, nuint length)
        where TLine : struct, IVectorLine<TLine>
    {
        switch (path)
        {
            case CopyPath.NonTemporalFlush:
                NonTemporalMove.Move<TLine>(dest, src, length, config.FlushStub, config.WcWorkaround && TLine.HonoursWcWorkaround);
                FenceUnlessDrainDoes(config);
                break;
            case CopyPath.TemporalFlush:
                TemporalMove.MoveAndFlush<TLine>(dest, src, length, config.FlushStub);
                break;
            case CopyPath.NonTemporalAutoFlush:
                NonTemporalMove.Move<TLine>(dest, src, length, null, config.WcWorkaround && TLine.HonoursWcWorkaround);
                Sse.StoreFence();
                break;
            case CopyPath.TemporalMsync:
                TemporalMove.Move<TLine>(dest, src, length);
                PageFlush.Sync(dest, length);
                break;
            default:
                Debug.Assert(path is CopyPath.TemporalNoFlush or CopyPath.TemporalAutoFlush, "vector paths only");
                TemporalMove.Move<TLine>(dest, src, length);
                break;
        }

        return new CopyRun(path, TLine.Isa);
    }

    private static CopyRun FillVector<TLine>(PersistenceConfig config, CopyPath path, byte* dest, byte value, nuint length)
        where TLine : struct, IVectorLine<TLine>
    {
        switch (path)
        {
            case CopyPath.NonTemporalFlush:
                NonTemporalFill.Fill<TLine>(dest, value, length, config.FlushStub, config.WcWorkaround && TLine.HonoursWcWorkaround);
                FenceUnlessDrainDoes(config);
                break;
            case CopyPath.TemporalFlush:
                TemporalFill.FillAndFlush<TLine>(dest, value, length, config.FlushStub);
                break;
            case CopyPath.NonTemporalAutoFlush:
                NonTemporalFill.Fill<TLine>(dest, value, length, null, config.WcWorkaround && TLine.HonoursWcWorkaround);
                Sse.StoreFence();
                break;
            case CopyPath.TemporalMsync:
                TemporalFill.Fill<TLine>(dest, value, length);
                PageFlush.Sync(dest, length);
                break;
            default:
                Debug.Assert(path is CopyPath.TemporalNoFlush or CopyPath.TemporalAutoFlush, "vector paths only");
                TemporalFill.Fill<TLine>(dest, value, length);
                break;
        }

        return new CopyRun(path, TLine.Isa);
    }

    private static CopyRun MoveScalar(PersistenceConfig config, CopyPath path, byte* dest, byte* src, nuint length)
    {
        if (path is CopyPath.Runtime or CopyPath.RuntimeNoFlush)
        {
            Buffer.MemoryCopy(src, dest, length, length);
        }
        else
        {
            Debug.Assert(path is CopyPath.Generic or CopyPath.GenericNoFlush, "scalar paths only");
            GenericCopy.Move(dest, src, length);
        }

        if (path is CopyPath.Generic or CopyPath.Runtime)
        {
            Persistence.Flush(config, dest, length);
        }

        return new CopyRun(path, CopyIsa.Generic);
    }

    private static CopyRun FillScalar(PersistenceConfig config, CopyPath path, byte* dest, byte value, nuint length)
    {
        if (path is CopyPath.Runtime or CopyPath.RuntimeNoFlush)
        {
            NativeMemory.Fill(dest, length, value);
        }
        else
        {
            Debug.Assert(path is CopyPath.Generic or CopyPath.GenericNoFlush, "scalar paths only");
            GenericCopy.Fill(dest, value, length);
        }

        if (path is CopyPath.Generic or CopyPath.Runtime)
        {
            Persistence.Flush(config, dest, length);
        }

        return new CopyRun(path, CopyIsa.Generic);
    }

    /// <summary>With CLFLUSH only the drain is empty, so non-temporal stores need a fence of their own.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void FenceUnlessDrainDoes(PersistenceConfig config)
    {
        if (!config.DrainFences)
        {
            Sse.StoreFence();
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void DrainUnlessAsked(PersistenceConfig config, PmemCopyFlags flags)
    {
        if ((flags & (PmemCopyFlags.NoDrain | PmemCopyFlags.NoFlush)) == 0)
        {
            Persistence.Drain(config);
        }
    }
}
