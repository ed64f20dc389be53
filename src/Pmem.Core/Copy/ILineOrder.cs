namespace Pmem;

/// <summary>
/// The order in which a block of <see cref="LineBlocks"/> loads and stores its lines: the copy's own direction.
/// </summary>
internal interface ILineOrder
{
    /// <summary>From one line of the block to the next: 64 (ascending) or -64 (descending).</summary>
    static abstract nint Step { get; }
}

/// <summary>Lowest line first: the order of a forward copy.</summary>
internal readonly struct Ascending : ILineOrder
{
    public static nint Step => 64;
}

/// <summary>Highest line first: the order of a backward copy.</summary>
internal readonly struct Descending : ILineOrder
{
    public static nint Step => -64;
}
