using System.Runtime.CompilerServices;

namespace Pmem;

/// <summary>Ordinary stores through the cache (<c>vmovdqa</c>): the lines must be flushed afterwards to be durable.</summary>
internal readonly unsafe struct TemporalLineStore : ILineStore
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Store<TLine>(TLine line, byte* destination)
        where TLine : struct, IVectorLine<TLine> => TLine.StoreAligned(line, destination);
}
