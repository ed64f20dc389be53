using System;

namespace Pmem;

/// <summary>The part of a mapping reserved for <see cref="PmemRedoLog"/>: <c>[Offset, Offset + Length)</c>, 64-byte aligned.</summary>
/// <param name="Offset">Start of the region; a multiple of 64.</param>
/// <param name="Length">Size of the region; at least <see cref="MinimumLength"/>.</param>
public readonly record struct RedoLogRegion(long Offset, long Length)
{
    /// <summary>The default region size used by <see cref="AtEnd"/>: 64 KiB.</summary>
    public const long DefaultLength = 64 * 1024;

    /// <summary>The smallest usable region: the header line plus one entry of up to 48 bytes.</summary>
    public const long MinimumLength = 128;

    /// <summary>The last <paramref name="length"/> bytes (rounded down to 64-byte alignment) of a target of <paramref name="targetLength"/> bytes.</summary>
    /// <param name="targetLength">The mapping's length.</param>
    /// <param name="length">The region size.</param>
    /// <returns>The region.</returns>
    public static RedoLogRegion AtEnd(long targetLength, long length = DefaultLength)
    {
        long offset = (targetLength - length) & ~63L;
        return new RedoLogRegion(offset, targetLength - offset);
    }

    /// <summary>True when <c>[offset, offset + length)</c> overlaps the region.</summary>
    /// <param name="offset">Start.</param>
    /// <param name="length">Length.</param>
    /// <returns>Whether they overlap.</returns>
    public bool Overlaps(long offset, long length) => length > 0 && offset < Offset + Length && Offset < offset + length;

    internal void Validate(IPmemTarget target)
    {
        if (Offset < 0 || (Offset & 63) != 0 || Length < MinimumLength || Offset > target.Length - Length)
        {
            throw new RedoLogException(
                RedoLogError.RegionTooSmall,
                $"The redo-log region [{Offset}, +{Length}) must be 64-byte aligned, at least {MinimumLength} bytes, and inside the {target.Length}-byte mapping; " +
                (target.Length < MinimumLength * 2 ? "the mapping is too small to hold a log: map a larger file." : "choose a region inside the mapping."));
        }
    }

    /// <inheritdoc/>
    public override string ToString() => FormattableString.Invariant($"redo log [{Offset}, {Offset + Length})");
}
