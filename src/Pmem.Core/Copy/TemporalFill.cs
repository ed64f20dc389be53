using System.Diagnostics;
using System.Runtime.CompilerServices;
using unsafe FlushStub = delegate* unmanaged[SuppressGCTransition]<byte*, nuint, void>;

namespace Pmem;

/// <summary>
/// Fill with ordinary (temporal) stores, optionally followed by a flush of every line it touched
/// (libpmem's <c>memset_mov_*</c>).
/// </summary>
/// <remarks>
/// Same shape, chunked flushing and 8-byte store argument as <see cref="TemporalMove"/>: less than 64 bytes by
/// <see cref="SmallStores"/>, otherwise the partial head line, aligned whole-line stores (<see cref="LineBlocks.Fill"/>
/// with <see cref="TemporalLineStore"/>, the non-temporal fill's loop with the other store), the partial tail line.
/// </remarks>
internal static unsafe class TemporalFill
{
    /// <summary>Fills <paramref name="length"/> bytes with temporal stores; no flush.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static void Fill<TLine>(byte* dest, byte value, nuint length)
        where TLine : struct, IVectorLine<TLine>
    {
        if (length < 64)
        {
            SmallStores.Fill<TLine>(dest, value, length);
        }
        else
        {
            FillLines<TLine>(dest, value, length);
        }
    }

    /// <summary>Fills <paramref name="length"/> bytes with temporal stores and flushes every line written.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static void FillAndFlush<TLine>(byte* dest, byte value, nuint length, FlushStub flush)
        where TLine : struct, IVectorLine<TLine>
    {
        if (length <= TemporalMove.FlushChunk)
        {
            Fill<TLine>(dest, value, length);
            flush(dest, length);
        }
        else
        {
            FillAndFlushChunked<TLine>(dest, value, length, flush);
        }
    }

    /// <summary>Chunks that end on line boundaries, each flushed right after it is written.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void FillAndFlushChunked<TLine>(byte* dest, byte value, nuint length, FlushStub flush)
        where TLine : struct, IVectorLine<TLine>
    {
        while (length > TemporalMove.FlushChunk)
        {
            nuint n = TemporalMove.FlushChunk - ((nuint)dest & 63);
            FillLines<TLine>(dest, value, n);
            flush(dest, n);
            dest += n;
            length -= n;
        }

        Fill<TLine>(dest, value, length);
        flush(dest, length);
    }

    /// <summary>At least 64 bytes: the partial head line, aligned whole lines, the partial tail line.</summary>
    private static void FillLines<TLine>(byte* dest, byte value, nuint length)
        where TLine : struct, IVectorLine<TLine>
    {
        Debug.Assert(length >= 64, "shorter fills are small stores");
        nuint head = (0 - (nuint)dest) & 63;
        if (head != 0)
        {
            SmallStores.Fill<TLine>(dest, value, head);
            dest += head;
            length -= head;
        }

        nuint body = length & ~(nuint)63;
        LineBlocks.Fill<TLine, TemporalLineStore>(TLine.Broadcast(value), dest, body);
        dest += body;
        length -= body;

        if (length != 0)
        {
            SmallStores.Fill<TLine>(dest, value, length);
        }
    }
}
