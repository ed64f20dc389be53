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
    private const int PageShift = 12;

    /// <summary>Hints that <c>[offset, offset + length)</c> of the memory at <paramref name="baseAddress"/> is about to be stored (no-op for a 0 base): a short range's lines; for a long one, a line of its page it does not store (its page walk starts).</summary>
    /// <param name="baseAddress">The target's <see cref="ICommitTarget.PrefetchBase"/>.</param>
    /// <param name="offset">Start (checked in range by the caller).</param>
    /// <param name="length">Bytes.</param>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Lines(nint baseAddress, long offset, long length)
    {
        if (baseAddress == 0 || !Sse.IsSupported)
        {
            return;
        }

        byte* p = (byte*)baseAddress + offset;
        if (length <= CommitApply.LineSize)
        {
            // A short write's one or two lines, fetched for its stores.
            Sse.Prefetch0(p);
            Sse.Prefetch0(p + length - 1);
            return;
        }

        // A longer write's stores stream or go line by line; what delays them on a page no recent commit touched is
        // the page's translation (a page walk), which would start only at the first store, after the commit's
        // bookkeeping. A line of the same page that the write does not store starts it now: prefetching a line the
        // write's streamed stores then evict would make a write repeated in place wait for that line each time.
        long end = offset + length;
        long after = (end + CommitApply.LineSize - 1) & ~(long)(CommitApply.LineSize - 1);
        long before = (offset & ~(long)(CommitApply.LineSize - 1)) - CommitApply.LineSize;
        if ((after >> PageShift) == (offset >> PageShift))
        {
            Sse.Prefetch0((byte*)baseAddress + after);
        }
        else if (before >= 0 && (before >> PageShift) == (offset >> PageShift))
        {
            Sse.Prefetch0((byte*)baseAddress + before);
        }
    }
}
