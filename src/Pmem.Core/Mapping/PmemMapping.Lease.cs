using System;

namespace Pmem;

public sealed unsafe partial class PmemMapping
{
    /// <summary>
    /// Leases <c>[offset, offset + length)</c> as a span that keeps the mapping mapped until the lease is disposed.
    /// </summary>
    /// <remarks>
    /// <para>Nothing is persisted by storing through the lease; persist the range afterwards. On a sparse file the
    /// range's pages are allocated first, so stores through the span cannot die of SIGBUS when the file system is
    /// full: the call throws <see cref="PmemException"/> (ENOSPC) instead and nothing was stored.</para>
    /// <example><code lang="C#">
    /// using (PmemLease lease = mapping.Lease(0, 64))
    /// {
    ///     "hello"u8.CopyTo(lease.Span);
    /// }
    /// mapping.Persist(0, 64);
    /// </code></example>
    /// </remarks>
    /// <param name="offset">Start within the mapping.</param>
    /// <param name="length">Length in bytes.</param>
    /// <returns>The lease; dispose it (a <c>using</c> statement) on the same thread.</returns>
    /// <exception cref="ArgumentOutOfRangeException">The range does not lie within the mapping.</exception>
    /// <exception cref="ObjectDisposedException">The mapping was disposed.</exception>
    /// <exception cref="PmemException">A sparse file's pages could not be allocated (ENOSPC, EDQUOT).</exception>
    /// <exception cref="PmemMapException">The mapping is read-only (<see cref="PmemMapError.ReadOnlyMapping"/>): use <see cref="Read"/>.</exception>
    public PmemLease Lease(long offset, int length)
    {
        CheckRange(offset, length);
        byte* p = Claim(out bool counted);
        try
        {
            ThrowIfReadOnly();
            ReserveForWrite(offset, length);
        }
        catch
        {
            Release(counted);
            throw;
        }

        return new PmemLease(this, p + offset, length, counted);
    }

    internal void EndLease(bool counted) => Release(counted);
}
