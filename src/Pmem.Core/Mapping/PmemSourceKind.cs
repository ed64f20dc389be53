namespace Pmem;

/// <summary>What a <see cref="PmemSource"/> maps: libpmem2's source types.</summary>
public enum PmemSourceKind
{
    /// <summary>A file or device-DAX device named by a path, opened when mapped (<see cref="PmemSource.FromPath"/>).</summary>
    Path = 0,

    /// <summary>An open file or device-DAX device (<c>pmem2_source_from_fd</c>, <see cref="PmemSource.FromHandle"/>).</summary>
    Handle = 1,

    /// <summary>Anonymous memory (<c>pmem2_source_from_anon</c>, <see cref="PmemSource.FromAnonymous"/>).</summary>
    Anonymous = 2,
}
