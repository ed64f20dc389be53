using System.Runtime.CompilerServices;

namespace Pmem;

/// <summary>
/// Streaming stores that bypass the cache (<c>vmovntdq</c>): no flush is needed, an SFENCE (the drain) completes them.
/// </summary>
internal readonly unsafe struct NonTemporalLineStore : ILineStore
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Store<TLine>(TLine line, byte* destination)
        where TLine : struct, IVectorLine<TLine> => TLine.StoreAlignedNonTemporal(line, destination);
}
