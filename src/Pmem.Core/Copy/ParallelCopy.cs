using System;
using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Threading;

namespace Pmem;

/// <summary>
/// Splits one large copy or fill across the calling thread and up to <see cref="ResolvedConfig.CopyThreads"/>
/// − 1 <see cref="CopyWorker"/>s, each running the routine <see cref="CopyDecision"/> chose for the whole call on its
/// own line-aligned part of the destination.
/// </summary>
/// <remarks>
/// <para><b>Why.</b> One thread of non-temporal stores leaves much of the machine's write bandwidth unused: on the
/// reference 2-vCPU guest two threads carry 1.4-1.9× the bytes of one (libpmem never uses more than one).</para>
/// <para><b>Pieces.</b> Boundaries fall on 64-byte multiples of the destination address, so every cache line belongs
/// to exactly one piece: inner pieces are whole lines (only non-temporal or whole-line stores), the first keeps the
/// call's head and the last its tail. Each piece is the serial routine on a smaller range, so the store widths (the
/// 8-byte guarantee) and the flushes are those of the serial call.</para>
/// <para><b>Durability.</b> Each worker ends its piece with SFENCE before it reports, and the caller waits for every
/// piece before it returns. The caller's own piece (and any piece it took back from a worker that had not started)
/// follows the serial rules: fenced by the drain that follows, or with <see cref="PmemCopyFlags.NoDrain"/> by the
/// caller's next drain. So with no flags everything is durable on return, and with NoDrain everything is durable after
/// the caller's next drain, exactly as for a serial copy (the workers' parts are durable already).</para>
/// <para><b>Overlap.</b> Moves whose ranges overlap stay serial: a piece could overwrite source bytes another piece
/// has not read yet.</para>
/// <para><b>Busy machine.</b> No queued work item is involved. If no worker is idle (other callers hold them) the
/// call runs serially. When the caller has finished its own piece it runs the parts of the workers' pieces they have
/// not taken (<see cref="CopyWorker.PartBytes"/> each, from the back), so a slowed or unscheduled worker delays the
/// call by at most one part. Nothing is allocated per call (the workers are created once, at the first split).</para>
/// </remarks>
internal static unsafe class ParallelCopy
{
    private static readonly Lock s_grow = new();
    private static CopyWorker[] s_workers = [];

    /// <summary>Moves as <see cref="CopyEngine.Move"/> does, split when the ranges do not overlap.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    internal static CopyRun Move(ResolvedConfig config, CopyPath path, byte* dest, byte* src, nuint length)
    {
        bool overlap = (nuint)dest - (nuint)src < length || (nuint)src - (nuint)dest < length;
        return overlap
            ? CopyEngine.Move(config, path, dest, src, length)
            : Split(config, path, dest, src, 0, length);
    }

    /// <summary>Fills as <see cref="CopyEngine.Fill"/> does, split.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    internal static CopyRun Fill(ResolvedConfig config, CopyPath path, byte* dest, byte value, nuint length) =>
        Split(config, path, dest, null, value, length);

    private static CopyRun Split(ResolvedConfig config, CopyPath path, byte* dest, byte* src, byte value, nuint length)
    {
        Debug.Assert(config.Isa != CopyIsa.Generic && path != CopyPath.None, "only the vector routines are split");
        Debug.Assert(config.CopyThreads is > 1 and <= ResolvedConfig.MaxCopyThreads, "split only when more than one thread may run");

        // Stores only in the pieces; the msync fallback syncs the whole range once, on the calling thread, at the end.
        CopyPath piecePath = path == CopyPath.TemporalMsync ? CopyPath.TemporalNoFlush : path;
        CopyWorker[] workers = Workers(config.CopyThreads - 1);
        Span<byte> posted = stackalloc byte[ResolvedConfig.MaxCopyThreads];
        int claimed = 0;
        for (int i = 0; i < workers.Length && claimed < config.CopyThreads - 1; i++)
        {
            if (workers[i].TryClaim())
            {
                posted[claimed++] = (byte)i;
            }
        }

        int parts = claimed + 1;
        int running = 0;
        for (int k = 1; k < parts; k++)
        {
            CopyWorker worker = workers[posted[k - 1]];
            nuint start = Boundary(dest, length, k, parts);
            nuint end = Boundary(dest, length, k + 1, parts);
            if (end == start)
            {
                worker.Release();
                continue;
            }

            worker.Post(src == null
                ? CopyChunk.Fill(config, piecePath, dest + start, value, end - start)
                : CopyChunk.Move(config, piecePath, dest + start, src + start, end - start));
            posted[running++] = posted[k - 1];
        }

        nuint own = Boundary(dest, length, 1, parts);
        CopyRun run = src == null
            ? CopyEngine.Fill(config, piecePath, dest, value, own)
            : CopyEngine.Move(config, piecePath, dest, src, own);

        for (int j = 0; j < running; j++)
        {
            workers[posted[j]].Help();
        }

        for (int j = 0; j < running; j++)
        {
            workers[posted[j]].Join();
        }

        if (path == CopyPath.TemporalMsync)
        {
            PageFlush.Sync(dest, length);
        }

        return new CopyRun(path, run.Isa, running, run.Movdir64B);
    }

    /// <summary>Where piece <paramref name="k"/> of <paramref name="parts"/> starts: the next 64-byte boundary of the destination, within the range.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static nuint Boundary(byte* dest, nuint length, int k, int parts)
    {
        if (k >= parts)
        {
            return length;
        }

        nuint at = length / (nuint)parts * (nuint)k;
        nuint aligned = (((nuint)dest + at + 63) & ~(nuint)63) - (nuint)dest;
        return Math.Min(aligned, length);
    }

    /// <summary>At least <paramref name="count"/> workers, created at the first call that needs them.</summary>
    private static CopyWorker[] Workers(int count)
    {
        CopyWorker[] workers = Volatile.Read(ref s_workers);
        if (workers.Length >= count)
        {
            return workers;
        }

        lock (s_grow)
        {
            workers = s_workers;
            if (workers.Length < count)
            {
                var grown = new CopyWorker[count];
                workers.CopyTo(grown, 0);
                for (int i = workers.Length; i < count; i++)
                {
                    grown[i] = new CopyWorker(i);
                }

                Volatile.Write(ref s_workers, grown);
                workers = grown;
            }

            return workers;
        }
    }
}
