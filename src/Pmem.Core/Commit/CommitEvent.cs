using System.Runtime.InteropServices;

namespace Pmem;

/// <summary>What one <see cref="CommitEvent"/> is.</summary>
internal enum CommitEventKind : byte
{
    /// <summary><see cref="ICommitStores.Store"/> or <see cref="ICommitStores.StoreScalar"/>.</summary>
    Stored,

    /// <summary><see cref="ICommitStores.Fill"/>.</summary>
    Filled,

    /// <summary><see cref="ICommitStores.FlushLines"/>: Offset is the first line, Length the line count.</summary>
    FlushedLines,

    /// <summary><see cref="ICommitStores.Drain"/>.</summary>
    Drained,

    /// <summary><see cref="ICommitStores.Msync"/>.</summary>
    Msynced,
}

/// <summary>One call a commit made on its stores, in order (recorded when <see cref="CommitWork.Events"/> is set).</summary>
[StructLayout(LayoutKind.Auto)]
internal readonly record struct CommitEvent(CommitEventKind Kind, long Offset, long Length, byte Value = 0, bool NonTemporal = false);
