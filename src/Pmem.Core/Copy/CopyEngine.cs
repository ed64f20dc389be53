using System;
using System.Diagnostics;
using System.Diagnostics.CodeAnalysis;
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
/// <c>PMEM_NO_MOVNT=1</c>. The width comes from <see cref="ResolvedConfig.Isa"/> (CPU and <c>PMEM_AVX</c>,
/// <c>PMEM_AVX512F</c>). With <c>PMEM_MOVDIR64B=1</c> on a CPU that has it, the non-temporal routines write their
/// whole lines with <see cref="Movdir64BCopy"/> instead.</para>
/// <para>Fences, as libpmem: with CLWB or CLFLUSHOPT a non-temporal copy ends without SFENCE, because the drain
/// that follows is one (and with <see cref="PmemCopyFlags.NoDrain"/> the caller's later drain is). With CLFLUSH
/// only, the drain is empty (CLFLUSH orders itself), so the streaming stores get their own SFENCE at the end; and
/// with flushes off (eADR) a non-temporal copy always ends with SFENCE.</para>
/// <para>From <see cref="ResolvedConfig.ParallelThreshold"/> up (and with more than one copy thread) the routine
/// runs split across threads by <see cref="ParallelCopy"/>, with the same durability on return.</para>
/// <para>Every entry returns the <see cref="CopyRun"/> that executed, for tests; callers on the public surface
/// discard it, which costs nothing.</para>
/// <para>Code shape (measured against C libpmem, see the copy tests and the benchmarks): the decision is inlined into
/// each public entry, so constant flags fold away; the engine of the configured width is one call away. The engine
/// methods are <see cref="MethodImplOptions.AggressiveOptimization"/>: compiled fully optimized at their first call,
/// without a tier-0 phase, and without profile data that could mark a flush call site "rarely run" and so route it
/// through the runtime's slow P/Invoke helper instead of the direct, GC-transition-free stub call.</para>
/// </remarks>
internal static unsafe class CopyEngine
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static void ValidateFlags(PmemCopyFlags flags)
    {
        if ((flags & ~PmemCopyFlags.All) != 0)
        {
            ThrowInvalidFlags(flags);
        }
    }

    /// <summary>Kept out of line so that <see cref="ValidateFlags"/> stays one compare.</summary>
    [DoesNotReturn]
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void ThrowInvalidFlags(PmemCopyFlags flags) =>
        throw new ArgumentException(
            $"Unknown PmemCopyFlags bits 0x{(int)flags & ~(int)PmemCopyFlags.All:X}; only NoDrain, NonTemporal, Temporal, WriteCombining, WriteBack and NoFlush are defined.",
            nameof(flags));

    /// <summary>Copies <paramref name="length"/> bytes (overlap-safe) and persists them as <paramref name="flags"/> say.</summary>
    /// <remarks>
    /// Inlined into each caller, so that a caller's constant flags fold the decision down to a few compares; the
    /// engine of the configured width is one call further.
    /// </remarks>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static CopyRun Memmove(ResolvedConfig config, byte* dest, byte* src, nuint length, PmemCopyFlags flags)
    {
        ValidateFlags(flags);
        CopyPath path = CopyDecision.Choose(config, flags, length, dest == src);
        CopyRun run = path == CopyPath.None
            ? default
            : length >= config.ParallelThreshold
                ? ParallelCopy.Move(config, path, dest, src, length)
                : Move(config, path, dest, src, length);
        DrainUnlessAsked(config, flags);
        return run;
    }

    /// <summary>Fills <paramref name="length"/> bytes with <paramref name="value"/> and persists them as <paramref name="flags"/> say.</summary>
    /// <remarks>Inlined into each caller, as <see cref="Memmove"/>.</remarks>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static CopyRun Memset(ResolvedConfig config, byte* dest, byte value, nuint length, PmemCopyFlags flags)
    {
        ValidateFlags(flags);
        CopyPath path = CopyDecision.Choose(config, flags, length, sameAddress: false);
        CopyRun run = path == CopyPath.None
            ? default
            : length >= config.ParallelThreshold
                ? ParallelCopy.Fill(config, path, dest, value, length)
                : Fill(config, path, dest, value, length);
        DrainUnlessAsked(config, flags);
        return run;
    }

    /// <summary>
    /// Runs <paramref name="path"/> with the engine of the configured width, one call away: the non-temporal
    /// routine (every default copy from the threshold up) goes straight to its loop, the others to the width's
    /// routine table.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static CopyRun Move(ResolvedConfig config, CopyPath path, byte* dest, byte* src, nuint length)
    {
        if (path == CopyPath.NonTemporalFlush)
        {
            Debug.Assert(config.Isa != CopyIsa.Generic && config.HasCpuFlush, "the decision picks non-temporal stores only with vectors and a flush stub");
            if (config.UsesMovdir64B)
            {
                return MoveMovdir64B(config, path, dest, src, length);
            }

            var flush = config.FlushStub;
            CopyIsa isa = config.Isa switch
            {
                CopyIsa.Avx512F => NonTemporalMove.Move<VectorLine512>(dest, src, length, flush, config.WcWorkaround),
                CopyIsa.Avx => NonTemporalMove.Move<VectorLine256>(dest, src, length, flush, config.WcWorkaround),
                _ => NonTemporalMove.Move<VectorLine128>(dest, src, length, flush, config.WcWorkaround),
            };
            FenceUnlessDrainDoes(config);
            return new CopyRun(path, isa);
        }

        return config.Isa switch
        {
            CopyIsa.Avx512F => MoveVector<VectorLine512>(config, path, dest, src, length),
            CopyIsa.Avx => MoveVector<VectorLine256>(config, path, dest, src, length),
            CopyIsa.Sse2 => MoveVector<VectorLine128>(config, path, dest, src, length),
            _ => MoveScalar(config, path, dest, src, length),
        };
    }

    /// <summary>As <see cref="Move"/>, for fills.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static CopyRun Fill(ResolvedConfig config, CopyPath path, byte* dest, byte value, nuint length)
    {
        if (path == CopyPath.NonTemporalFlush)
        {
            Debug.Assert(config.Isa != CopyIsa.Generic && config.HasCpuFlush, "the decision picks non-temporal stores only with vectors and a flush stub");
            if (config.UsesMovdir64B)
            {
                return FillMovdir64B(config, path, dest, value, length);
            }

            var flush = config.FlushStub;
            CopyIsa isa = config.Isa switch
            {
                CopyIsa.Avx512F => NonTemporalFill.Fill<VectorLine512>(dest, value, length, flush, config.WcWorkaround),
                CopyIsa.Avx => NonTemporalFill.Fill<VectorLine256>(dest, value, length, flush, config.WcWorkaround),
                _ => NonTemporalFill.Fill<VectorLine128>(dest, value, length, flush, config.WcWorkaround),
            };
            FenceUnlessDrainDoes(config);
            return new CopyRun(path, isa);
        }

        return config.Isa switch
        {
            CopyIsa.Avx512F => FillVector<VectorLine512>(config, path, dest, value, length),
            CopyIsa.Avx => FillVector<VectorLine256>(config, path, dest, value, length),
            CopyIsa.Sse2 => FillVector<VectorLine128>(config, path, dest, value, length),
            _ => FillScalar(config, path, dest, value, length),
        };
    }

    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    private static CopyRun MoveVector<TLine>(ResolvedConfig config, CopyPath path, byte* dest, byte* src, nuint length)
        where TLine : struct, IVectorLine<TLine>
    {
        switch (path)
        {
            case CopyPath.TemporalFlush:
                TemporalMove.MoveAndFlush<TLine>(dest, src, length, config.FlushStub);
                break;
            case CopyPath.NonTemporalAutoFlush when config.UsesMovdir64B:
                return MoveMovdir64B(config, path, dest, src, length);
            case CopyPath.NonTemporalAutoFlush:
                NonTemporalMove.Move<TLine>(dest, src, length, null, config.WcWorkaround);
                Sse.StoreFence();
                break;
            case CopyPath.TemporalMsync:
                TemporalMove.Move<TLine>(dest, src, length);
                PageFlush.Sync(dest, length);
                break;
            default:
                Debug.Assert(path is CopyPath.TemporalNoFlush or CopyPath.TemporalAutoFlush, "the other vector paths are handled above");
                TemporalMove.Move<TLine>(dest, src, length);
                break;
        }

        return new CopyRun(path, TLine.Isa);
    }

    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    private static CopyRun FillVector<TLine>(ResolvedConfig config, CopyPath path, byte* dest, byte value, nuint length)
        where TLine : struct, IVectorLine<TLine>
    {
        switch (path)
        {
            case CopyPath.TemporalFlush:
                TemporalFill.FillAndFlush<TLine>(dest, value, length, config.FlushStub);
                break;
            case CopyPath.NonTemporalAutoFlush when config.UsesMovdir64B:
                return FillMovdir64B(config, path, dest, value, length);
            case CopyPath.NonTemporalAutoFlush:
                NonTemporalFill.Fill<TLine>(dest, value, length, null, config.WcWorkaround);
                Sse.StoreFence();
                break;
            case CopyPath.TemporalMsync:
                TemporalFill.Fill<TLine>(dest, value, length);
                PageFlush.Sync(dest, length);
                break;
            default:
                Debug.Assert(path is CopyPath.TemporalNoFlush or CopyPath.TemporalAutoFlush, "the other vector paths are handled above");
                TemporalFill.Fill<TLine>(dest, value, length);
                break;
        }

        return new CopyRun(path, TLine.Isa);
    }

    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    private static CopyRun MoveScalar(ResolvedConfig config, CopyPath path, byte* dest, byte* src, nuint length)
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
            FlushEngine.Flush(config, dest, length);
        }

        return new CopyRun(path, CopyIsa.Generic);
    }

    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    private static CopyRun FillScalar(ResolvedConfig config, CopyPath path, byte* dest, byte value, nuint length)
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
            FlushEngine.Flush(config, dest, length);
        }

        return new CopyRun(path, CopyIsa.Generic);
    }

    /// <summary>
    /// A non-temporal routine with MOVDIR64B for the whole lines (<c>PMEM_MOVDIR64B=1</c>). MOVDIR64B stores are
    /// weakly ordered like streaming stores, so the fences are those of the vector routine: with flushes off an SFENCE
    /// here; with flushes on the drain that follows (or, with NoDrain, the caller's next drain) is the SFENCE, except
    /// with CLFLUSH only, whose drain is empty, so the SFENCE is here.
    /// </summary>
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    private static CopyRun MoveMovdir64B(ResolvedConfig config, CopyPath path, byte* dest, byte* src, nuint length)
    {
        Debug.Assert(path is CopyPath.NonTemporalFlush or CopyPath.NonTemporalAutoFlush, "MOVDIR64B replaces non-temporal bodies only");
        var flush = path == CopyPath.NonTemporalFlush ? config.FlushStub : null;
        var forward = config.Movdir64BForward;
        var backward = config.Movdir64BBackward;
        CopyIsa isa = config.Isa switch
        {
            CopyIsa.Avx512F => Movdir64BCopy.Move<VectorLine512>(dest, src, length, flush, forward, backward),
            CopyIsa.Avx => Movdir64BCopy.Move<VectorLine256>(dest, src, length, flush, forward, backward),
            _ => Movdir64BCopy.Move<VectorLine128>(dest, src, length, flush, forward, backward),
        };
        FenceMovdir64B(config, path);
        return new CopyRun(path, isa, movdir64B: true);
    }

    /// <summary>As <see cref="MoveMovdir64B"/>, for fills.</summary>
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    private static CopyRun FillMovdir64B(ResolvedConfig config, CopyPath path, byte* dest, byte value, nuint length)
    {
        Debug.Assert(path is CopyPath.NonTemporalFlush or CopyPath.NonTemporalAutoFlush, "MOVDIR64B replaces non-temporal bodies only");
        var flush = path == CopyPath.NonTemporalFlush ? config.FlushStub : null;
        var fill = config.Movdir64BFill;
        CopyIsa isa = config.Isa switch
        {
            CopyIsa.Avx512F => Movdir64BCopy.Fill<VectorLine512>(dest, value, length, flush, fill),
            CopyIsa.Avx => Movdir64BCopy.Fill<VectorLine256>(dest, value, length, flush, fill),
            _ => Movdir64BCopy.Fill<VectorLine128>(dest, value, length, flush, fill),
        };
        FenceMovdir64B(config, path);
        return new CopyRun(path, isa, movdir64B: true);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void FenceMovdir64B(ResolvedConfig config, CopyPath path)
    {
        if (path == CopyPath.NonTemporalAutoFlush)
        {
            Sse.StoreFence();
        }
        else
        {
            FenceUnlessDrainDoes(config);
        }
    }

    /// <summary>With CLFLUSH only the drain is empty, so non-temporal stores need a fence of their own.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void FenceUnlessDrainDoes(ResolvedConfig config)
    {
        if (!config.DrainFences)
        {
            Sse.StoreFence();
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void DrainUnlessAsked(ResolvedConfig config, PmemCopyFlags flags)
    {
        if ((flags & (PmemCopyFlags.NoDrain | PmemCopyFlags.NoFlush)) == 0)
        {
            FlushEngine.Drain(config);
        }
    }
}
