using System;

namespace Pmem;

public sealed unsafe partial class PmemMapping
{
    /// <summary>Copies <paramref name="source"/> to <paramref name="destOffset"/> and makes it durable as <paramref name="flags"/> say.</summary>
    /// <remarks>
    /// On pmem this is <see cref="PersistentMemory.Memcpy"/>: durable on return with no flags, after <see cref="Drain"/>
    /// with <see cref="PmemCopyFlags.NoDrain"/>, not at all with <see cref="PmemCopyFlags.NoFlush"/>. On other
    /// mappings the bytes are copied and msync'd (durable on return) unless <see cref="PmemCopyFlags.NoFlush"/>. On a
    /// <see cref="PmemSharing.Private"/> or anonymous mapping the bytes are only copied: nothing can become durable there.
    /// </remarks>
    /// <param name="destOffset">Where in the mapping the bytes go.</param>
    /// <param name="source">The bytes; may lie inside this mapping.</param>
    /// <param name="flags">libpmem's <c>PMEM_F_MEM_*</c> flags.</param>
    /// <exception cref="ArgumentOutOfRangeException">The destination range does not lie within the mapping.</exception>
    /// <exception cref="ArgumentException"><paramref name="flags"/> has undefined bits.</exception>
    /// <exception cref="ObjectDisposedException">The mapping was disposed.</exception>
    /// <exception cref="PmemException">A sparse file's pages could not be allocated (ENOSPC): nothing was stored.</exception>
    /// <exception cref="PmemMapException">The mapping is read-only (<see cref="PmemMapError.ReadOnlyMapping"/>): nothing was stored.</exception>
    public void Copy(long destOffset, ReadOnlySpan<byte> source, PmemCopyFlags flags = PmemCopyFlags.None)
    {
        CopyEngine.ValidateFlags(flags);
        byte* p = Enter(destOffset, source.Length);
        try
        {
            ThrowIfReadOnly();
            ReserveForWrite(destOffset, source.Length);
            fixed (byte* s = source)
            {
                CopyCore(p, s, (nuint)source.Length, flags);
            }
        }
        finally
        {
            Exit();
        }
    }

    /// <summary>Moves <paramref name="length"/> bytes within the mapping (ranges may overlap) and makes them durable as <paramref name="flags"/> say.</summary>
    /// <remarks>Durability as for <see cref="Copy"/>.</remarks>
    /// <param name="destOffset">Destination offset.</param>
    /// <param name="srcOffset">Source offset.</param>
    /// <param name="length">Bytes to move.</param>
    /// <param name="flags">libpmem's <c>PMEM_F_MEM_*</c> flags.</param>
    /// <exception cref="ArgumentOutOfRangeException">A range does not lie within the mapping.</exception>
    /// <exception cref="ArgumentException"><paramref name="flags"/> has undefined bits.</exception>
    /// <exception cref="ObjectDisposedException">The mapping was disposed.</exception>
    /// <exception cref="PmemException">A sparse file's pages could not be allocated (ENOSPC): nothing was stored.</exception>
    /// <exception cref="PmemMapException">The mapping is read-only (<see cref="PmemMapError.ReadOnlyMapping"/>): nothing was stored.</exception>
    public void Move(long destOffset, long srcOffset, long length, PmemCopyFlags flags = PmemCopyFlags.None)
    {
        CopyEngine.ValidateFlags(flags);
        CheckRange(srcOffset, length);
        byte* p = Enter(destOffset, length);
        try
        {
            ThrowIfReadOnly();
            ReserveForWrite(destOffset, length);
            CopyCore(p, p - destOffset + srcOffset, (nuint)length, flags);
        }
        finally
        {
            Exit();
        }
    }

    /// <summary>Fills <paramref name="length"/> bytes at <paramref name="offset"/> with <paramref name="value"/> and makes them durable as <paramref name="flags"/> say.</summary>
    /// <remarks>Durability as for <see cref="Copy"/>.</remarks>
    /// <param name="offset">Start within the mapping.</param>
    /// <param name="value">The byte to store.</param>
    /// <param name="length">Bytes to fill.</param>
    /// <param name="flags">libpmem's <c>PMEM_F_MEM_*</c> flags.</param>
    /// <exception cref="ArgumentOutOfRangeException">The range does not lie within the mapping.</exception>
    /// <exception cref="ArgumentException"><paramref name="flags"/> has undefined bits.</exception>
    /// <exception cref="ObjectDisposedException">The mapping was disposed.</exception>
    /// <exception cref="PmemException">A sparse file's pages could not be allocated (ENOSPC): nothing was stored.</exception>
    /// <exception cref="PmemMapException">The mapping is read-only (<see cref="PmemMapError.ReadOnlyMapping"/>): nothing was stored.</exception>
    public void Fill(long offset, byte value, long length, PmemCopyFlags flags = PmemCopyFlags.None)
    {
        CopyEngine.ValidateFlags(flags);
        byte* p = Enter(offset, length);
        try
        {
            ThrowIfReadOnly();
            ReserveForWrite(offset, length);
            if (IsPmem)
            {
                CopyEngine.Memset(ResolvedConfig.Current, p, value, (nuint)length, flags);
            }
            else
            {
                CopyEngine.Memset(ResolvedConfig.Current, p, value, (nuint)length, flags | PmemCopyFlags.NoFlush);
                MsyncUnlessNoFlush(p, (nuint)length, _shape.NeverDurable ? PmemCopyFlags.NoFlush : flags);
            }
        }
        finally
        {
            Exit();
        }
    }

    private void CopyCore(byte* dest, byte* src, nuint length, PmemCopyFlags flags)
    {
        if (IsPmem)
        {
            CopyEngine.Memmove(ResolvedConfig.Current, dest, src, length, flags);
        }
        else
        {
            CopyEngine.Memmove(ResolvedConfig.Current, dest, src, length, flags | PmemCopyFlags.NoFlush);
            MsyncUnlessNoFlush(dest, length, _shape.NeverDurable ? PmemCopyFlags.NoFlush : flags);
        }
    }

    private static void MsyncUnlessNoFlush(byte* dest, nuint length, PmemCopyFlags flags)
    {
        if ((flags & PmemCopyFlags.NoFlush) == 0 && length != 0)
        {
            PageFlush.Sync(dest, length);
        }
    }
}
