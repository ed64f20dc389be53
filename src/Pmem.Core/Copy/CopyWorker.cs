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
/// it, fences its stores with SFENCE, and reports <c>Done</c>. When the caller has finished its own piece it tries to
/// take back a piece no worker has started (<c>Posted → Taken</c>) and runs it itself, so a worker that the OS
/// does not schedule (a busy machine) costs no more than a serial copy; otherwise it waits for <c>Done</c>. Either
/// way the caller returns the worker to <c>Idle</c> only after the piece has finished, so every store of the call
/// happens before the call returns (and before the caller leaves its mapping).</para>
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

    private readonly ManualResetEventSlim _wake = new(false, SpinCount);
    private readonly ManualResetEventSlim _done = new(false, SpinCount);
    private CopyChunk _chunk;
    private int _state;

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

    /// <summary>Runs the posted piece on the calling thread if the worker has not started it.</summary>
    /// <returns>True when the caller ran it (the caller's own fence then covers it).</returns>
    internal bool TryTakeBack()
    {
        if (Interlocked.CompareExchange(ref _state, Taken, Posted) != Posted)
        {
            return false;
        }

        _chunk.Run();
        return true;
    }

    /// <summary>Waits until the worker has run and fenced its piece (unless the caller took it back), then makes it idle again.</summary>
    internal void Join()
    {
        int state = Volatile.Read(ref _state);
        Debug.Assert(state is Taken or Running or Done, "a piece is taken back, running or done by the join");
        if (state != Taken)
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

    private void Loop()
    {
        while (true)
        {
            _wake.Wait();
            _wake.Reset();
            if (Interlocked.CompareExchange(ref _state, Running, Posted) == Posted)
            {
                _chunk.Run();

                // This thread's non-temporal stores and CLWB/CLFLUSHOPT are ordered by its own SFENCE only: fence
                // before reporting, so the caller's drain (or NoDrain) means what it means for a serial copy.
                Sse.StoreFence();
                Volatile.Write(ref _state, Done);
                _done.Set();
            }
        }
    }
}
