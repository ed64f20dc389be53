using System;
using System.Diagnostics;
using System.Runtime.Intrinsics.X86;
using System.Threading;

namespace Pmem;

/// <summary>
/// One dedicated thread that runs pieces of split copies and fills (<see cref="CopyChunk"/>), parked on an event
/// between them. It never touches the thread pool, so a saturated pool does not delay it.
/// </summary>
/// <remarks>
/// <para>Protocol, one state word: a caller claims an idle worker (<c>Idle → Claimed</c>), writes the piece into the
/// slot, publishes it (<c>Posted</c>) and sets the wake event. The worker takes it (<c>Posted → Running</c>), runs
/// it, fences its stores with SFENCE, and reports <c>Done</c>.</para>
/// <para>A piece is run in parts of <see cref="PartBytes"/>: the worker takes parts from the front, and the caller,
/// once its own piece is done, takes parts from the back (one compare-and-swap on a packed pair of part indexes).
/// So when the worker runs slower than the caller (another process shares its CPU) the caller waits for at most
/// the part in progress, and a worker that the OS has not scheduled at all costs nothing: the caller runs every
/// part and marks the piece <c>Taken</c> (<c>Posted → Taken</c>) without waiting. Either way the caller returns
/// the worker to <c>Idle</c> only after every part has finished, so every store of the call happens before the call
/// returns (and before the caller leaves its mapping).</para>
/// <para>A piece cannot throw: it is stores and flush instructions on memory the caller holds.</para>
/// </remarks>
internal sealed class CopyWorker
{
    private const int Idle = 0;
    private const int Claimed = 1;
    private const int Posted = 2;
    private const int Running = 3;
    private const int Done = 4;
    private const int Taken = 5;

    /// <summary>Spin iterations before a waiting thread blocks: a piece of a split copy takes tens of microseconds or more.</summary>
    private const int SpinCount = 200;

    /// <summary>
    /// Bytes per part of a piece (1 MiB, about 30 µs of non-temporal stores on the reference machine): the most a
    /// caller waits for a slowed worker, against one compare-and-swap per part.
    /// </summary>
    internal const nuint PartBytes = 1 << 20;

    private readonly ManualResetEventSlim _wake = new(false, SpinCount);
    private readonly ManualResetEventSlim _done = new(false, SpinCount);
    private CopyChunk _chunk;
    private int _state;

    /// <summary>Parts not yet taken: the next from the front in the low 32 bits, the end (exclusive) in the high 32.</summary>
    private long _parts;

    internal CopyWorker(int index)
    {
        var thread = new Thread(Loop)
        {
            IsBackground = true,
            Name = $"Pmem copy worker {index}",
        };
        thread.Start();
    }

    /// <summary>Claims the worker for one piece if it is idle.</summary>
    internal bool TryClaim() => Interlocked.CompareExchange(ref _state, Claimed, Idle) == Idle;

    /// <summary>Hands a claimed worker its piece and wakes it.</summary>
    internal void Post(in CopyChunk chunk)
    {
        Debug.Assert(Volatile.Read(ref _state) == Claimed, "only the claiming caller posts");
        _chunk = chunk;
        nuint count = (chunk.Length + PartBytes - 1) / PartBytes;
        Debug.Assert(count <= int.MaxValue, "parts are counted in 32 bits");
        Volatile.Write(ref _parts, (long)count << 32);
        _done.Reset();
        Volatile.Write(ref _state, Posted);
        _wake.Set();
    }

    /// <summary>Gives a claimed worker back without a piece.</summary>
    internal void Release()
    {
        Debug.Assert(Volatile.Read(ref _state) == Claimed, "only the claiming caller releases");
        Volatile.Write(ref _state, Idle);
    }

    /// <summary>Runs, on the calling thread, the parts of the posted piece the worker has not taken, from the back.</summary>
    /// <remarks>The caller's own fence (its drain, or its next one with NoDrain) covers what it runs here.</remarks>
    internal void Help()
    {
        while (true)
        {
            long parts = Volatile.Read(ref _parts);
            int next = (int)parts;
            int end = (int)(parts >> 32);
            if (next >= end)
            {
                return;
            }

            long taken = ((long)(end - 1) << 32) | (uint)next;
            if (Interlocked.CompareExchange(ref _parts, taken, parts) == parts)
            {
                RunPart(end - 1);
            }
        }
    }

    /// <summary>Waits until the worker has run and fenced its piece (unless the caller took it back), then makes it idle again.</summary>
    internal void Join()
    {
        // Every part has been taken; if the worker has not even started, it never will run this piece.
        int state = Interlocked.CompareExchange(ref _state, Taken, Posted);
        Debug.Assert(state is Posted or Running or Done, "a piece is posted, running or done by the join");
        if (state != Posted)
        {
            WaitUninterrupted();
            Debug.Assert(Volatile.Read(ref _state) == Done, "the done event is set after the state");
        }

        _chunk = default;
        Volatile.Write(ref _state, Idle);
    }

    /// <summary>
    /// Waits for the piece even if the caller is interrupted (<see cref="Thread.Interrupt"/>): leaving early would let
    /// the caller release its mapping while the worker still stores into it. The interrupt is raised again afterwards.
    /// </summary>
    private void WaitUninterrupted()
    {
        bool interrupted = false;
        while (true)
        {
            try
            {
                _done.Wait();
                break;
            }
            catch (ThreadInterruptedException)
            {
                interrupted = true;
            }
        }

        if (interrupted)
        {
            Thread.CurrentThread.Interrupt();
        }
    }

    private bool TryTakeFront(out int part)
    {
        while (true)
        {
            long parts = Volatile.Read(ref _parts);
            part = (int)parts;
            if (part >= (int)(parts >> 32))
            {
                return false;
            }

            if (Interlocked.CompareExchange(ref _parts, parts + 1, parts) == parts)
            {
                return true;
            }
        }
    }

    private void RunPart(int part)
    {
        nuint start = (nuint)part * PartBytes;
        _chunk.Run(start, Math.Min(PartBytes, _chunk.Length - start));
    }

    private void Loop()
    {
        // A ManualResetEventSlim allocates its lock object the first time a thread blocks on it. The caller blocks
        // on _done only when this worker is late, so that allocation would land on some later copy of the caller's
        // (a split copy allocates nothing on the calling thread): one short timed wait here makes it now, on this
        // thread. _done is not set before the first piece, and the caller never sets it.
        _done.Wait(1);

        while (true)
        {
            _wake.Wait();
            _wake.Reset();
            if (Interlocked.CompareExchange(ref _state, Running, Posted) == Posted)
            {
                while (TryTakeFront(out int part))
                {
                    RunPart(part);
                }

                // This thread's non-temporal stores and CLWB/CLFLUSHOPT are ordered by its own SFENCE only: fence
                // before reporting, so the caller's drain (or NoDrain) means what it means for a serial copy.
                Sse.StoreFence();
                Volatile.Write(ref _state, Done);
                _done.Set();
            }
        }
    }
}
