using System;

namespace Pmem;

/// <summary>
/// A redo log could not be written or recovered; nothing was applied, and what was durable before the call is still
/// durable. A <see cref="PmemException"/>: <see cref="PmemException.Errno"/> is EINVAL (22) when the region, a write or
/// a pending recovery makes the call invalid, and EBADMSG (74) when the log itself is corrupt.
/// </summary>
public sealed class RedoLogException : PmemException
{
    /// <summary>Creates the exception.</summary>
    /// <param name="error">What is wrong.</param>
    /// <param name="message">The explanation.</param>
    public RedoLogException(RedoLogError error, string message)
        : base(ErrnoOf(error), message) => Error = error;

    /// <summary>What is wrong.</summary>
    public RedoLogError Error { get; }

    private static int ErrnoOf(RedoLogError error) => error switch
    {
        RedoLogError.RegionTooSmall or RedoLogError.WriteOutOfRange or RedoLogError.RecoveryNeeded => Interop.Errno.EINVAL,
        _ => Interop.Errno.EBADMSG,
    };
}
