using System;
using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Threading;

namespace Pmem;

/// <summary>
/// One thread's claim on the mapping it is operating on: the fast way for <see cref="PmemMapping"/> operations to keep
/// their mapping mapped without an atomic instruction.
/// </summary>
/// <remarks>
/// <para><b>Why.</b> SafeBuffer's AcquirePointer/ReleasePointer are two locked read-modify-writes per operation. A
/// locked instruction waits for every earlier store to complete, the non-temporal stores of a copy included, so
/// the work around the next operation can no longer overlap the write-back of the last one: a commit of one 4 KiB
/// write cost the NT store time plus all of its own bookkeeping (1.34× <c>MemcpyPersist</c> instead of ~1.05×).</para>
/// <para><b>How (an asymmetric Dekker handshake).</b> An operation stores its mapping into its thread's slot, then
/// reads the mapping's disposed flag; it proceeds only when the flag is clear, and clears its slot when done. Dispose
/// sets the flag, runs <see cref="Interlocked.MemoryBarrierProcessWide"/> (every processor running this process
/// drains its store buffer), then waits until no slot holds the mapping, and only then unmaps. Either the operation's
/// slot store is visible to Dispose's scan, or the operation's flag load sees the flag: an operation never runs on an
/// unmapped range, and none that starts after Dispose returned proceeds.</para>
/// <para>A thread holds at most one mapping this way (nested operations on the same mapping count depth); an
/// operation that finds its slot holding another mapping falls back to SafeBuffer's reference count. Slots of threads
/// that ended are dropped by a finalizer.</para>
/// </remarks>
internal sealed class MappingUse
{
    [ThreadStatic]
    private static MappingUse? t_use;

    /// <summary>Every live thread's slot (copy-on-write; read without the lock by Dispose).</summary>
    private static MappingUse[] s_all = [];

    private static readonly Lock s_lock = new();

    /// <summary>The mapping this thread is operating on; written only by its thread (and read by Dispose).</summary>
    internal PmemMapping? Current;

    /// <summary>Nested operations on <see cref="Current"/>.</summary>
    internal int Depth;

    /// <summary>Set when the mapping was disposed by this thread inside an operation: the slot took a SafeBuffer
    /// reference then, released when the outermost operation ends (the unmap happens then).</summary>
    internal bool HoldsReference;

    private MappingUse()
    {
    }

    /// <summary>The calling thread's slot.</summary>
    internal static MappingUse ForThisThread
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get => t_use ?? Register();
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static MappingUse Register()
    {
        var use = new MappingUse();
        lock (s_lock)
        {
            MappingUse[] all = s_all;
            var grown = new MappingUse[all.Length + 1];
            all.CopyTo(grown, 0);
            grown[^1] = use;
            Volatile.Write(ref s_all, grown);
        }

        t_use = use;
        ThreadEnd.Watch(use);
        return use;
    }

    private static void Unregister(MappingUse use)
    {
        lock (s_lock)
        {
            MappingUse[] all = s_all;
            int i = Array.IndexOf(all, use);
            if (i < 0)
            {
                return;
            }

            var shrunk = new MappingUse[all.Length - 1];
            Array.Copy(all, 0, shrunk, 0, i);
            Array.Copy(all, i + 1, shrunk, i, all.Length - i - 1);
            Volatile.Write(ref s_all, shrunk);
        }
    }

    /// <summary>
    /// Called by Dispose after setting the mapping's disposed flag: waits until no other thread operates on
    /// <paramref name="mapping"/>. Returns true when the calling thread itself is inside an operation on it (the caller
    /// then defers the unmap to that operation's end).
    /// </summary>
    internal static bool WaitUntilUnused(PmemMapping mapping)
    {
        Interlocked.MemoryBarrierProcessWide();
        MappingUse? mine = t_use;
        foreach (MappingUse use in Volatile.Read(ref s_all))
        {
            if (use == mine)
            {
                continue;
            }

            var spin = default(SpinWait);
            while (ReferenceEquals(Volatile.Read(ref use.Current), mapping))
            {
                spin.SpinOnce();
            }
        }

        return mine is not null && ReferenceEquals(mine.Current, mapping);
    }

    /// <summary>Finalized when its thread ends (the thread-static reference goes with the thread): drops the slot.</summary>
    private sealed class ThreadEnd
    {
        [ThreadStatic]
        private static ThreadEnd? t_end;

        private readonly MappingUse _use;

        private ThreadEnd(MappingUse use) => _use = use;

        ~ThreadEnd()
        {
            Debug.Assert(_use.Current is null, "a thread ended inside a mapping operation");
            Unregister(_use);
        }

        internal static void Watch(MappingUse use) => t_end = new ThreadEnd(use);
    }
}
