namespace Pmem;

/// <summary>
/// How a copy engine writes a whole, 64-byte aligned line: the one thing that differs between the temporal and the
/// non-temporal engines' line loops (<see cref="LineBlocks"/>). Each kind is a struct, so the JIT compiles a
/// separate, fully inlined loop per kind and width, as <see cref="IVectorLine{TSelf}"/> does for widths.
/// </summary>
internal unsafe interface ILineStore
{
    /// <summary>Stores <paramref name="line"/> to the 64-byte aligned <paramref name="destination"/>.</summary>
    /// <typeparam name="TLine">The vector width.</typeparam>
    static abstract void Store<TLine>(TLine line, byte* destination)
        where TLine : struct, IVectorLine<TLine>;
}
