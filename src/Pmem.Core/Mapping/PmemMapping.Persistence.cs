using System.Runtime.CompilerServices;

namespace Pmem;

public sealed unsafe partial class PmemMapping
{
    /// <summary>
    /// Starts making <c>[offset, offset + length)</c> durable: on pmem, flushes its cache lines (durable after
    /// <see cref="Drain"/>); otherwise msyncs its pages (durable on return).
    /// </summary>
    /// <param name="offset">Start within the mapping.</param>
    /// <param name="length">Length in bytes.</param>
    /// <exception cref="System.ArgumentOutOfRangeException">The range does not lie within the mapping.</exception>
    /// <exception cref="System.ObjectDisposedException">The mapping was disposed.</exception>
    /// <exception cref="PmemException">msync failed (non-pmem mappings).</exception>
    public void Flush(long offset, long length) => FlushCore(offset, length, drain: false);

    /// <summary>Completes earlier <see cref="Flush"/> calls and no-drain copies: after it returns they are durable.</summary>
    /// <remarks>On a non-pmem mapping flushes are already synchronous and this does nothing.</remarks>
    /// <exception cref="System.ObjectDisposedException">The mapping was disposed.</exception>
    public void Drain()
    {
        ThrowIfDisposed();
        if (IsPmem)
        {
            FlushEngine.Drain(ResolvedConfig.Current);
        }
    }

    /// <summary>Makes <c>[offset, offset + length)</c> durable before returning: flush and drain on pmem, msync otherwise.</summary>
    /// <remarks>Not atomic: a crash during the call may leave any subset of the range's cache lines persisted. On a
    /// <see cref="PmemSharing.Private"/> or anonymous mapping it checks the range and returns: nothing can become durable there.</remarks>
    /// <param name="offset">Start within the mapping.</param>
    /// <param name="length">Length in bytes.</param>
    /// <exception cref="System.ArgumentOutOfRangeException">The range does not lie within the mapping.</exception>
    /// <exception cref="System.ObjectDisposedException">The mapping was disposed.</exception>
    /// <exception cref="PmemException">msync failed (non-pmem mappings).</exception>
    public void Persist(long offset, long length) => FlushCore(offset, length, drain: true);

    /// <summary>Flush (and drain) on pmem; msync, which is durable on return, otherwise.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void FlushCore(long offset, long length, bool drain)
    {
        byte* p = Enter(offset, length);
        try
        {
            if (_shape.NeverDurable)
            {
                // Private or anonymous: no store can reach a file, so there is nothing to make durable.
            }
            else if (!IsPmem)
            {
                PageFlush.Sync(p, (nuint)length);
            }
            else if (drain)
            {
                FlushEngine.Persist(ResolvedConfig.Current, p, (nuint)length);
            }
            else
            {
                FlushEngine.Flush(ResolvedConfig.Current, p, (nuint)length);
            }
        }
        finally
        {
            Exit();
        }
    }

    /// <summary>msync(MS_SYNC) of the pages holding <c>[offset, offset + length)</c>, pmem or not: durable on return.</summary>
    /// <param name="offset">Start within the mapping.</param>
    /// <param name="length">Length in bytes.</param>
    /// <exception cref="System.ArgumentOutOfRangeException">The range does not lie within the mapping.</exception>
    /// <exception cref="System.ObjectDisposedException">The mapping was disposed.</exception>
    /// <exception cref="PmemException">msync failed.</exception>
    public void Msync(long offset, long length)
    {
        byte* p = Enter(offset, length);
        try
        {
            PageFlush.Sync(p, (nuint)length);
        }
        finally
        {
            Exit();
        }
    }

    /// <summary>
    /// Makes <c>[offset, offset + length)</c> durable in the most reliable domain (libpmem's deep persist): flushes
    /// even with eADR, then triggers the region's write-pending-queue flush for device DAX, msync otherwise.
    /// </summary>
    /// <param name="offset">Start within the mapping.</param>
    /// <param name="length">Length in bytes.</param>
    /// <exception cref="System.ArgumentOutOfRangeException">The range does not lie within the mapping.</exception>
    /// <exception cref="System.ObjectDisposedException">The mapping was disposed.</exception>
    /// <exception cref="PmemException">The sysfs write or msync failed.</exception>
    public void DeepPersist(long offset, long length)
    {
        byte* p = Enter(offset, length);
        try
        {
            ResolvedConfig config = ResolvedConfig.Current;
            FlushEngine.DeepFlush(config, p, (nuint)length);
            DeepDrainEngine.Drain(config, p, (nuint)length);
        }
        finally
        {
            Exit();
        }
    }
}
