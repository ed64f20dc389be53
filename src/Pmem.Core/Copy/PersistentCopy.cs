using System;
using System.Runtime.CompilerServices;

namespace Pmem;

/// <summary>
/// Persistent memmove and memset under a configuration: copy, then flush the destination unless
/// <see cref="PmemCopyFlags.NoFlush"/>, then drain unless <see cref="PmemCopyFlags.NoDrain"/> or NoFlush.
/// </summary>
internal static unsafe class PersistentCopy
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static void ValidateFlags(PmemCopyFlags flags)
    {
        if ((flags & ~PmemCopyFlags.All) != 0)
        {
            ThrowHelper.ThrowInvalidCopyFlags(flags);
        }
    }

    internal static void Memmove(PersistenceConfig config, byte* dest, byte* src, nuint length, PmemCopyFlags flags)
    {
        ValidateFlags(flags);
        if (length != 0 && dest != src)
        {
            Buffer.MemoryCopy(src, dest, length, length);
            if ((flags & PmemCopyFlags.NoFlush) == 0)
            {
                Persistence.Flush(config, dest, length);
            }
        }

        DrainUnlessAsked(config, flags);
    }

    internal static void Memset(PersistenceConfig config, byte* dest, byte value, nuint length, PmemCopyFlags flags)
    {
        ValidateFlags(flags);
        if (length != 0)
        {
            new Span<byte>(dest, checked((int)Math.Min(length, int.MaxValue))).Fill(value);
            for (nuint done = int.MaxValue; done < length; done += int.MaxValue)
            {
                new Span<byte>(dest + done, (int)Math.Min(length - done, int.MaxValue)).Fill(value);
            }

            if ((flags & PmemCopyFlags.NoFlush) == 0)
            {
                Persistence.Flush(config, dest, length);
            }
        }

        DrainUnlessAsked(config, flags);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void DrainUnlessAsked(PersistenceConfig config, PmemCopyFlags flags)
    {
        if ((flags & (PmemCopyFlags.NoDrain | PmemCopyFlags.NoFlush)) == 0)
        {
            Persistence.Drain(config);
        }
    }
}
