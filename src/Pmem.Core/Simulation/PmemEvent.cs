namespace Pmem.Simulation;

/// <summary>One operation a <see cref="PmemSimulator"/> recorded, in program order.</summary>
public abstract record PmemEvent
{
    private PmemEvent()
    {
    }

    /// <summary>Bytes stored at <paramref name="Offset"/>; non-temporal stores bypass the cache and need only a fence.</summary>
    /// <param name="Offset">Where the bytes were stored.</param>
    /// <param name="Bytes">The bytes (a copy).</param>
    /// <param name="NonTemporal">Whether the store was non-temporal.</param>
    public sealed record Store(long Offset, byte[] Bytes, bool NonTemporal) : PmemEvent
    {
        /// <inheritdoc/>
        public override string ToString() => $"store{(NonTemporal ? " (NT)" : "")} [{Offset}, {Offset + Bytes.Length})";
    }

    /// <summary>A cache-line flush of the lines holding <c>[Offset, Offset + Length)</c>.</summary>
    /// <param name="Offset">Start of the flushed range.</param>
    /// <param name="Length">Length of the flushed range.</param>
    public sealed record Flush(long Offset, long Length) : PmemEvent
    {
        /// <inheritdoc/>
        public override string ToString() => $"flush [{Offset}, {Offset + Length})";
    }

    /// <summary>A fence (drain): flushed lines and non-temporal stores before it are persistent after it.</summary>
    public sealed record Fence : PmemEvent
    {
        /// <inheritdoc/>
        public override string ToString() => "fence";
    }

    /// <summary>An msync of the pages holding <c>[Offset, Offset + Length)</c>: those pages are persistent after it.</summary>
    /// <param name="Offset">Start of the range.</param>
    /// <param name="Length">Length of the range.</param>
    public sealed record Msync(long Offset, long Length) : PmemEvent
    {
        /// <inheritdoc/>
        public override string ToString() => $"msync [{Offset}, {Offset + Length})";
    }
}
