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
/// the work around the next operation can no longer overlap the write-back of the last one.</para>
/// <para><b>How (an asymmetric Dekker handshake, no waiting).</b> An operation stores its mapping into its thread's
/// slot, then reads the mapping's lifetime state; it proceeds only when the mapping is not disposed. When it ends it
/// clears its slot, then reads the state again and, if the mapping was disposed meanwhile, tries to finish the unmap
/// itself. Whoever tries to unmap (Dispose, the last SafeBuffer release, or an operation's end) first runs
/// <see cref="Interlocked.MemoryBarrierProcessWide"/> (every processor running this process drains its store buffer)
/// and then scans every slot (<see cref="AnyThreadHolds"/>). For a thread that stores its slot and then loads the
/// state, and an unmapper that sets the state and then barriers and scans, one of two things holds: the scan sees the
/// slot store, or the load sees the state. So an operation either sees the mapping disposed and never touches it, or
/// is seen by the scan, which then leaves the unmap to that operation's end. Nobody ever waits for another thread, so
/// Dispose cannot deadlock, whatever the threads are doing.</para>
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

    /// <summary>
    /// The F# layer's per-thread commit buffers (its CommitScratch), or null: kept in this slot so that a commit's
    /// claim and its buffers cost one thread-static read, not two (each a call into the runtime here).
    /// </summary>
    internal object? CommitScratch;


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
    /// True when some thread (the calling one included) is inside an operation on <paramref name="mapping"/>. Runs a
    /// process-wide barrier first: call it only after the mapping's disposed state is set (see the class remarks).
    /// </summary>
    internal static bool AnyThreadHolds(PmemMapping mapping)
    {
        Interlocked.MemoryBarrierProcessWide();
        foreach (MappingUse use in Volatile.Read(ref s_all))
        {
            if (ReferenceEquals(Volatile.Read(ref use.Current), mapping))
            {
                return true;
            }
        }

        return false;
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
