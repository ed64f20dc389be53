namespace Pmem;

public static unsafe partial class PersistentMemory
{
    /// <summary>
    /// Copies <paramref name="length"/> bytes from <paramref name="src"/> to <paramref name="dest"/>, overlap-safe,
    /// and makes them durable as <paramref name="flags"/> say (<c>pmem_memmove</c>).
    /// </summary>
    /// <remarks>
    /// With no flags the destination is durable on return. <see cref="PmemCopyFlags.NoDrain"/>: durable after the
    /// next <see cref="Drain"/>. <see cref="PmemCopyFlags.NoFlush"/>: not durable until the range is persisted.
    /// When <paramref name="dest"/> and <paramref name="length"/> are 8-byte aligned no store is narrower than 8 bytes.
    /// From <see cref="PmemOptions.ParallelThreshold"/> bytes up, a copy whose ranges do not overlap (and every fill)
    /// is split across <see cref="PmemOptions.CopyThreads"/> threads on line boundaries; every piece has finished,
    /// and is durable as the flags say, when the call returns.
    /// </remarks>
    /// <param name="dest">Destination (persistent memory).</param>
    /// <param name="src">Source; may overlap the destination.</param>
    /// <param name="length">Bytes to copy.</param>
    /// <param name="flags">libpmem's <c>PMEM_F_MEM_*</c> flags.</param>
    /// <returns><paramref name="dest"/>.</returns>
    /// <exception cref="System.ArgumentException"><paramref name="flags"/> has undefined bits.</exception>
    public static void* Memmove(void* dest, void* src, nuint length, PmemCopyFlags flags)
    {
        CopyEngine.Memmove(ResolvedConfig.Current, (byte*)dest, (byte*)src, length, flags);
        return dest;
    }

    /// <summary>Same as <see cref="Memmove"/> (libpmem's memcpy is overlap-safe too) (<c>pmem_memcpy</c>).</summary>
    /// <remarks>Durability as for <see cref="Memmove"/>.</remarks>
    /// <param name="dest">Destination (persistent memory).</param>
    /// <param name="src">Source.</param>
    /// <param name="length">Bytes to copy.</param>
    /// <param name="flags">libpmem's <c>PMEM_F_MEM_*</c> flags.</param>
    /// <returns><paramref name="dest"/>.</returns>
    public static void* Memcpy(void* dest, void* src, nuint length, PmemCopyFlags flags)
    {
        CopyEngine.Memmove(ResolvedConfig.Current, (byte*)dest, (byte*)src, length, flags);
        return dest;
    }

    /// <summary>Fills <paramref name="length"/> bytes with <paramref name="value"/> and makes them durable as <paramref name="flags"/> say (<c>pmem_memset</c>).</summary>
    /// <remarks>Durability as for <see cref="Memmove"/>.</remarks>
    /// <param name="dest">Destination (persistent memory).</param>
    /// <param name="value">The byte value (C's <c>int c</c> converted to unsigned char).</param>
    /// <param name="length">Bytes to fill.</param>
    /// <param name="flags">libpmem's <c>PMEM_F_MEM_*</c> flags.</param>
    /// <returns><paramref name="dest"/>.</returns>
    public static void* Memset(void* dest, byte value, nuint length, PmemCopyFlags flags)
    {
        CopyEngine.Memset(ResolvedConfig.Current, (byte*)dest, value, length, flags);
        return dest;
    }

    /// <summary><see cref="Memmove"/> with no flags (<c>pmem_memmove_persist</c>): durable on return.</summary>
    /// <param name="dest">Destination.</param><param name="src">Source.</param><param name="length">Bytes.</param>
    /// <returns><paramref name="dest"/>.</returns>
    public static void* MemmovePersist(void* dest, void* src, nuint length)
    {
        CopyEngine.Memmove(ResolvedConfig.Current, (byte*)dest, (byte*)src, length, PmemCopyFlags.None);
        return dest;
    }

    /// <summary><see cref="Memcpy"/> with no flags (<c>pmem_memcpy_persist</c>): durable on return.</summary>
    /// <param name="dest">Destination.</param><param name="src">Source.</param><param name="length">Bytes.</param>
    /// <returns><paramref name="dest"/>.</returns>
    public static void* MemcpyPersist(void* dest, void* src, nuint length)
    {
        CopyEngine.Memmove(ResolvedConfig.Current, (byte*)dest, (byte*)src, length, PmemCopyFlags.None);
        return dest;
    }

    /// <summary><see cref="Memset"/> with no flags (<c>pmem_memset_persist</c>): durable on return.</summary>
    /// <param name="dest">Destination.</param><param name="value">Byte value.</param><param name="length">Bytes.</param>
    /// <returns><paramref name="dest"/>.</returns>
    public static void* MemsetPersist(void* dest, byte value, nuint length)
    {
        CopyEngine.Memset(ResolvedConfig.Current, (byte*)dest, value, length, PmemCopyFlags.None);
        return dest;
    }

    /// <summary><see cref="Memmove"/> with <see cref="PmemCopyFlags.NoDrain"/> (<c>pmem_memmove_nodrain</c>): durable after the next <see cref="Drain"/>.</summary>
    /// <param name="dest">Destination.</param><param name="src">Source.</param><param name="length">Bytes.</param>
    /// <returns><paramref name="dest"/>.</returns>
    public static void* MemmoveNoDrain(void* dest, void* src, nuint length)
    {
        CopyEngine.Memmove(ResolvedConfig.Current, (byte*)dest, (byte*)src, length, PmemCopyFlags.NoDrain);
        return dest;
    }

    /// <summary><see cref="Memcpy"/> with <see cref="PmemCopyFlags.NoDrain"/> (<c>pmem_memcpy_nodrain</c>): durable after the next <see cref="Drain"/>.</summary>
    /// <param name="dest">Destination.</param><param name="src">Source.</param><param name="length">Bytes.</param>
    /// <returns><paramref name="dest"/>.</returns>
    public static void* MemcpyNoDrain(void* dest, void* src, nuint length)
    {
        CopyEngine.Memmove(ResolvedConfig.Current, (byte*)dest, (byte*)src, length, PmemCopyFlags.NoDrain);
        return dest;
    }

    /// <summary><see cref="Memset"/> with <see cref="PmemCopyFlags.NoDrain"/> (<c>pmem_memset_nodrain</c>): durable after the next <see cref="Drain"/>.</summary>
    /// <param name="dest">Destination.</param><param name="value">Byte value.</param><param name="length">Bytes.</param>
    /// <returns><paramref name="dest"/>.</returns>
    public static void* MemsetNoDrain(void* dest, byte value, nuint length)
    {
        CopyEngine.Memset(ResolvedConfig.Current, (byte*)dest, value, length, PmemCopyFlags.NoDrain);
        return dest;
    }
}
