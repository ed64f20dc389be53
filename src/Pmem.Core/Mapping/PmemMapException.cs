namespace Pmem;

/// <summary>
/// A mapping was refused (<see cref="PmemSource.Map"/>) or a store into a read-only mapping was refused; <see cref="Error"/>
/// names the libpmem2 error. A <see cref="PmemException"/>, so one <c>catch (PmemException)</c> covers it.
/// </summary>
/// <remarks>Nothing was changed: no mapping is left behind, the file keeps its bytes, size and mode, and a refused store stored nothing.</remarks>
public sealed class PmemMapException : PmemException
{
    /// <summary>Creates the exception.</summary>
    /// <param name="error">The libpmem2 error.</param>
    /// <param name="errno">The closest Linux errno (EINVAL, EACCES, EBADF, EOPNOTSUPP).</param>
    /// <param name="message">What was refused and how to fix it.</param>
    /// <param name="path">The file concerned, if known.</param>
    public PmemMapException(PmemMapError error, int errno, string message, string? path = null)
        : base(errno, message, path)
    {
        Error = error;
    }

    /// <summary>Which libpmem2 error this is.</summary>
    public PmemMapError Error { get; }
}
