using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics.X86;

namespace Pmem;

/// <summary>
/// Starts loading a commit's destination lines while phase 1 records (<see cref="ICommitTarget.PrefetchBase"/>), so
/// that phase 2's stores find them in the cache.
/// </summary>
/// <remarks>
/// Why: a commit stores nothing until its plan has run, so without this every cold destination line (and its page
/// walk) is fetched only when phase 2 stores into it, after all of phase 1; hand-written code that stores as it goes
/// starts those fetches earlier. A prefetch is a hint: it never faults, and a line it loads that the plan does not
/// write in the end (an aborted plan) is only a cache line read.
/// </remarks>
internal static unsafe class CommitPrefetch
{
    /// <summary>Hints that <c>[offset, offset + length)</c> of the memory at <paramref name="baseAddress"/> is about to be stored with ordinary stores (no-op for a 0 base or a long range).</summary>
    /// <param name="baseAddress">The target's <see cref="ICommitTarget.PrefetchBase"/>.</param>
    /// <param name="offset">Start (checked in range by the caller).</param>
    /// <param name="length">Bytes.</param>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Lines(nint baseAddress, long offset, long length)
    {
        // Two lines at most: longer writes are copied non-temporally or stream through the prefetchers anyway.
        if (baseAddress != 0 && length <= CommitApply.LineSize && Sse.IsSupported)
        {
            byte* p = (byte*)baseAddress + offset;
            Sse.Prefetch0(p);
            Sse.Prefetch0(p + length - 1);
        }
    }
}
