namespace Pmem;

/// <summary>A registered range <c>[Start, End)</c>: how it was mapped and, for device DAX, its nd region (<c>regionN</c>).</summary>
internal readonly record struct PmemRange(nuint Start, nuint End, PmemRangeKind Kind, int? RegionId);
