using System;
using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Threading;

namespace Pmem;

/// <summary>
/// The mapping's lifetime: one owner, a Dispose that never waits, and an unmap done by whoever leaves last.
/// </summary>
/// <remarks>
/// <para>Three facts decide when the memory is unmapped, each set once: <see cref="StateDisposed"/> (by
/// <see cref="Dispose"/>, by disposing <see cref="Buffer"/>, or by the handle's last release), <see cref="StateHandleReleased"/>
/// (the <see cref="PmemMappingHandle"/>'s reference count reached zero: no <c>AcquirePointer</c> user and no counted
/// operation is left) and "no thread's slot holds the mapping" (<see cref="MappingUse"/>). Whoever completes the
/// first two, and every operation that ends after the first was set, calls <see cref="TryUnmap"/>; the one that finds
/// all three true wins a compare-and-swap and unmaps. Nothing waits, so no set of threads disposing any mappings from
/// inside or outside operations can deadlock.</para>
/// </remarks>
public sealed unsafe partial class PmemMapping
{
    private const int StateDisposed = 1;
    private const int StateHandleReleased = 2;
    private const int StateUnmapped = 4;

    /// <summary><see cref="StateDisposed"/> | <see cref="StateHandleReleased"/> | <see cref="StateUnmapped"/>, only ever set.</summary>
    private int _state;

    private bool IsDisposedState => (Volatile.Read(ref _state) & StateDisposed) != 0;

    /// <summary>
    /// Disposes the mapping: every operation that starts afterwards throws <see cref="ObjectDisposedException"/>, and
    /// the memory is unmapped as soon as no operation runs on it. Does not persist anything.
    /// </summary>
    /// <remarks>
    /// Idempotent and thread-safe; never blocks. Operations already running (on any thread, including the calling
    /// thread when called from inside a plan or a <see cref="Lease"/>) finish on mapped memory; the last of them
    /// unmaps. Stores made before the call stay in the file's page cache or media as usual: unmapping discards
    /// nothing, but only what was persisted is durable.
    /// </remarks>
    public void Dispose()
    {
        if ((Interlocked.Or(ref _state, StateDisposed) & StateDisposed) != 0)
        {
            return;
        }

        // Drop the handle's own reference: if no AcquirePointer user or counted operation holds another, the
        // handle is released now (OnHandleReleased), otherwise by the last of them.
        _handle.ReleaseOwnerReference();
    }

    /// <summary>The handle's reference count reached zero (after Dispose, or an unbalanced DangerousRelease).</summary>
    internal void OnHandleReleased()
    {
        Interlocked.Or(ref _state, StateDisposed | StateHandleReleased);
        TryUnmap();
    }

    /// <summary>Unmaps when the mapping is disposed, its handle released and no thread operates on it; once.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private void TryUnmap()
    {
        const int Ready = StateDisposed | StateHandleReleased;
        if ((Volatile.Read(ref _state) & (Ready | StateUnmapped)) != Ready)
        {
            return;
        }

        if (MappingUse.AnyThreadHolds(this))
        {
            return; // that operation's Exit calls again
        }

        if ((Interlocked.Or(ref _state, StateUnmapped) & StateUnmapped) == 0)
        {
            _handle.Unmap();
        }
    }

    /// <summary>
    /// Checks the range, claims the mapping for the calling thread (it stays mapped until <see cref="Exit()"/>) and
    /// returns the range's address. Throws <see cref="ObjectDisposedException"/> once the mapping is disposed.
    /// </summary>
    /// <remarks>
    /// The claim is a plain store into the thread's <see cref="MappingUse"/> slot (no atomic instruction, see there);
    /// when the slot holds another mapping, a SafeBuffer reference instead. Exits must pair with enters on the same
    /// thread, innermost first (operations do so with try/finally; leases record which claim they took).
    /// </remarks>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal byte* Enter(long offset, long length)
    {
        CheckRange(offset, length);
        return Claim(out _) + offset;
    }

    /// <summary>Claims the mapping (see <see cref="Enter"/>); <paramref name="counted"/> says which claim was taken.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private byte* Claim(out bool counted)
    {
        if (!TryClaim(MappingUse.ForThisThread, out counted))
        {
            ThrowHelper.ThrowObjectDisposed(nameof(PmemMapping));
        }

        return _address;
    }

    /// <summary>
    /// Claims the mapping as <see cref="Claim"/> does; false, having claimed nothing, once it is disposed (what a
    /// commit's <see cref="ICommitTarget.TryBegin"/> needs: no exception to catch on its fast path).
    /// <paramref name="use"/> is the calling thread's slot (a commit reads it once for its claim and its buffers).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal bool TryClaim(MappingUse use, out bool counted)
    {
        Debug.Assert(ReferenceEquals(use, MappingUse.ForThisThread), "the calling thread's slot");
        PmemMapping? current = use.Current;
        counted = false;
        if (current is null)
        {
            // Store, then load (an unmapper sets the state, barriers every processor, then scans: see MappingUse).
            Volatile.Write(ref use.Current, this);
            if (IsDisposedState)
            {
                Volatile.Write(ref use.Current, null);
                TryUnmap(); // an unmap that may have waited for this slot
                return false;
            }

            use.Depth = 1;
            return true;
        }

        if (ReferenceEquals(current, this))
        {
            // Nested on the same thread: already claimed (a Dispose in between leaves the unmap to the outermost Exit).
            use.Depth++;
            return true;
        }

        counted = true;
        return TryClaimCounted();
    }

    /// <summary>Ends what <see cref="Enter"/> began.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal void Exit()
    {
        // The slot read here, not through Exit(MappingUse): one level of inlining less in every operation's finally.
        MappingUse use = MappingUse.ForThisThread;
        if (ReferenceEquals(use.Current, this))
        {
            ExitClaimed(use);
        }
        else
        {
            _handle.ReleasePointer();
        }
    }

    /// <summary>Exit with the calling thread's slot already read (a commit's end).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal void Exit(MappingUse use)
    {
        Debug.Assert(ReferenceEquals(use, MappingUse.ForThisThread), "the calling thread's slot");
        if (ReferenceEquals(use.Current, this))
        {
            ExitClaimed(use);
        }
        else
        {
            _handle.ReleasePointer();
        }
    }

    /// <summary>Ends a claim whose kind is known (leases, which need not end innermost first).</summary>
    private void Release(bool counted)
    {
        if (counted)
        {
            _handle.ReleasePointer();
            return;
        }

        MappingUse use = MappingUse.ForThisThread;
        Debug.Assert(ReferenceEquals(use.Current, this), "a slot claim ends on the thread that took it");
        ExitClaimed(use);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void ExitClaimed(MappingUse use)
    {
        if (--use.Depth == 0)
        {
            // Store, then load: either this load sees the disposal, or the unmapper's scan saw the cleared slot.
            Volatile.Write(ref use.Current, null);
            if (IsDisposedState)
            {
                TryUnmap();
            }
        }
    }

    /// <summary>A claim through SafeBuffer's reference count (the thread's slot holds another mapping); false once disposed.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private bool TryClaimCounted()
    {
        bool added = false;
        try
        {
            _handle.DangerousAddRef(ref added); // throws ObjectDisposedException once the handle is closed
        }
        catch (ObjectDisposedException)
        {
            return false;
        }

        if (IsDisposedState)
        {
            _handle.DangerousRelease();
            return false;
        }

        return true;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void CheckRange(long offset, long length)
    {
        if (offset < 0 || length < 0 || offset > Length - length)
        {
            ThrowRange(offset, length);
        }
    }

    /// <summary>A bad range on a disposed mapping reports the disposal (the more fundamental error) first.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private void ThrowRange(long offset, long length)
    {
        ThrowIfDisposed();
        ThrowHelper.ThrowArgumentOutOfRange(offset, length, Length);
    }

    private void ThrowIfDisposed()
    {
        if (IsDisposedState)
        {
            ThrowHelper.ThrowObjectDisposed(nameof(PmemMapping));
        }
    }
}
