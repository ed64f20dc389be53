using System;

namespace Pmem;

/// <summary>Why a redo log cannot be used or recovered.</summary>
public enum RedoLogError
{
    /// <summary>The region is misaligned, too small for the transaction, or outside the mapping.</summary>
    RegionTooSmall,

    /// <summary>A write overlaps the log region or lies outside the mapping.</summary>
    WriteOutOfRange,

    /// <summary>The log holds a committed transaction that was never applied: run recovery before committing again.</summary>
    RecoveryNeeded,

    /// <summary>The header's magic number is neither a Pmem redo log's nor all zero.</summary>
    BadMagic,

    /// <summary>The log was written by an unknown layout version.</summary>
    UnsupportedVersion,

    /// <summary>The commit marker does not match the header's sequence number.</summary>
    BadCommitMarker,

    /// <summary>The recorded length runs past the log region.</summary>
    LengthPastRegion,

    /// <summary>An entry runs past the recorded length.</summary>
    Truncated,

    /// <summary>The checksum over the header and entries does not match.</summary>
    BadChecksum,

    /// <summary>
    /// Making the commit mark durable failed, and so did taking it back: the file system could not say which of the
    /// two is on the media, so the transaction is neither known committed nor known discarded. The mapped data holds
    /// the old state; after a restart <see cref="PmemRedoLog.Recover"/> completes the transaction or discards it,
    /// whichever the media holds.
    /// </summary>
    CommitUndecided,
}
