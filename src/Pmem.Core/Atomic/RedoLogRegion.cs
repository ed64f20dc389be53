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

    /// <summary>
    /// The last <paramref name="length"/> bytes of a target of <paramref name="targetLength"/> bytes, starting at a
    /// multiple of 64 (so the region may be up to 63 bytes longer). When the target is smaller than
    /// <paramref name="length"/> the region starts at a negative offset, which commit and recovery refuse with a
    /// message saying how large the mapping must be.
    /// </summary>
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
        if (Offset >= 0 && (Offset & 63) == 0 && Length >= MinimumLength && Offset <= target.Length - Length)
        {
            return;
        }

        string problem =
            (Offset & 63) != 0 ? $"its offset {Offset} is not a multiple of 64" :
            Length < MinimumLength ? $"it is shorter than the minimum of {MinimumLength} bytes" :
            Offset < 0 && Offset + Length == target.Length ? $"the {target.Length}-byte mapping is smaller than the region" :
            $"it does not lie inside the {target.Length}-byte mapping";
        string advice = Offset < 0 && Offset + Length == target.Length
            ? $"map at least {Length + 64} bytes (the log region plus room for data), or use a smaller region."
            : "choose a 64-byte-aligned region of at least 128 bytes inside the mapping (RedoLogRegion.AtEnd).";
        throw new RedoLogException(RedoLogError.RegionTooSmall, $"The redo-log region [{Offset}, +{Length}) cannot be used: {problem}; {advice}");
    }

    /// <inheritdoc/>
    public override string ToString() => FormattableString.Invariant($"redo log [{Offset}, {Offset + Length})");
}
