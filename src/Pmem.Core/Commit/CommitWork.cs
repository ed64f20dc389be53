using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics.X86;

namespace Pmem;

/// <summary>
/// What phase 2 of a commit applies: the steps in program order, the memory of their Write steps, and the options.
/// A journal records into one of these and a commit hands it to <see cref="ICommitTarget.Apply"/> as it is; it is
/// reused (per thread, by the F# layer), so a warm commit allocates nothing and builds no argument.
/// </summary>
/// <remarks>
/// Why a reused object and not a struct of spans built per commit: a commit's bookkeeping runs while the previous
/// commit's drain completes, and every memory write it makes (building a 9-field argument is 9) queues behind that
/// drain; past the store queue's depth the commit waits for the drain instead of overlapping it. The steps are
/// appended where they are recorded, and the options are stored only when they change.
/// </remarks>
internal sealed class CommitWork
{
    private CommitStep[] _steps = new CommitStep[16];
    private int _count;
    private ReadOnlyMemory<byte>[] _memory = new ReadOnlyMemory<byte>[4];
    private int _memoryCount;
    private PmemCopyFlags _stores;
    private bool _finalDrain = true;
    private List<CommitEvent>? _events;
    private bool _forward = true;
    private bool _drainAtEnd;
    private bool _drainOwed;

    /// <summary>Work holding copies of <paramref name="steps"/> and <paramref name="memory"/> with these options (tests, one-off callers).</summary>
    public static CommitWork Of(
        ReadOnlySpan<CommitStep> steps, ReadOnlySpan<ReadOnlyMemory<byte>> memory, PmemCopyFlags stores, bool finalDrain,
        List<CommitEvent>? events = null, bool forward = true)
    {
        var work = new CommitWork();
        foreach (ReadOnlyMemory<byte> bytes in memory)
        {
            work.AddMemory(bytes);
        }

        foreach (ref readonly CommitStep step in steps)
        {
            work.Append(step.Kind, step.Offset, step.Length, step.Value, step.InRange);
        }

        work.SetOptions(stores, finalDrain, events, forward);
        return work;
    }

    /// <summary>The steps in program order; once a commit applies them, every range lies inside the target and none is empty.</summary>
    public ReadOnlySpan<CommitStep> Steps => new(_steps, 0, _count);

    /// <summary>The number of steps.</summary>
    public int Count => _count;

    /// <summary>The memory Write steps store (<see cref="CommitStep.Value"/> indexes it).</summary>
    public ReadOnlySpan<ReadOnlyMemory<byte>> Memory => new(_memory, 0, _memoryCount);

    /// <summary><see cref="PmemCopyFlags.None"/> (the threshold decides), <see cref="PmemCopyFlags.NonTemporal"/> or <see cref="PmemCopyFlags.Temporal"/>.</summary>
    public PmemCopyFlags Stores => _stores;

    /// <summary>Whether the last group ends with a drain.</summary>
    public bool FinalDrain => _finalDrain;

    /// <summary>
    /// Whether the final drain, where the stores allow (<see cref="ICommitStores.MayDeferDrain"/>), is left to the
    /// commit's end (<see cref="FinishDrain"/>): set by a commit that stores nothing after applying this work and calls
    /// <see cref="FinishDrain"/> before it returns. Off by default (an atomic commit, say, orders later stores after it).
    /// </summary>
    /// <remarks>
    /// Why: the commit's last fence waits for its flushes and streamed stores to reach persistence. Issued after the
    /// commit's bookkeeping (releasing its journal and its claim) instead of before it, that bookkeeping runs while
    /// they complete; what the caller sees on return is the same.
    /// </remarks>
    public bool DrainAtEnd => _drainAtEnd;

    /// <summary>Whether a final drain was left to <see cref="FinishDrain"/> and not yet issued.</summary>
    public bool DrainOwed => _drainOwed;

    /// <summary>Sets <see cref="DrainAtEnd"/> (a store only when it changes).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void SetDrainAtEnd(bool value)
    {
        if (_drainAtEnd != value)
        {
            _drainAtEnd = value;
        }
    }

    /// <summary>The final drain of these stores, or with <see cref="DrainAtEnd"/> and stores that allow it, a note that <see cref="FinishDrain"/> owes it.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal void DrainLast<TStores>(ref TStores stores)
        where TStores : ICommitStores
    {
        if (stores.MayDeferDrain && _drainAtEnd)
        {
            _drainOwed = true;
        }
        else
        {
            stores.Drain();
        }
    }

    /// <summary>
    /// Issues the final drain <see cref="DrainLast{TStores}"/> left owed (a store fence of the calling thread, the
    /// thread that made the stores), if any. The commit calls it last, after releasing its claim: a fence needs no
    /// mapping, and the flushes and streamed stores it waits for were issued while the memory was mapped.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void FinishDrain()
    {
        if (_drainOwed)
        {
            _drainOwed = false;
            Sse.StoreFence();
        }
    }

    /// <summary>Scratch for the touched lines or pages (reused: no allocation once warm).</summary>
    public TouchedRuns Runs { get; } = new();

    /// <summary>null, or where every call the commit makes on the stores is recorded (instrumentation, dry runs).</summary>
    public List<CommitEvent>? Events => _events;

    /// <summary>With <see cref="Events"/>: whether the calls also reach the stores (false: a dry run that stores nothing).</summary>
    public bool Forward => _forward;

    /// <summary>The i-th step, in program order.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public ref readonly CommitStep Step(int i)
    {
        Debug.Assert(i >= 0 && i < _count, "step index in range");
        return ref _steps[i];
    }

    /// <summary>The memory at <paramref name="index"/> (a Write step's <see cref="CommitStep.Value"/>).</summary>
    public ReadOnlyMemory<byte> MemoryAt(int index) => _memory[index];

    /// <summary>Sets the options of the next apply (each field stored only when it changes).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void SetOptions(PmemCopyFlags stores, bool finalDrain, List<CommitEvent>? events, bool forward)
    {
        if (_stores != stores)
        {
            _stores = stores;
        }

        if (_finalDrain != finalDrain)
        {
            _finalDrain = finalDrain;
        }

        if (!ReferenceEquals(_events, events))
        {
            _events = events;
        }

        if (_forward != forward)
        {
            _forward = forward;
        }
    }

    /// <summary>Appends a step built in place from its operands (never passed as a struct: see the remarks of DurableCommit.commitBody).</summary>
    /// <remarks>
    /// A full array goes to <see cref="AppendGrowing"/>, which appends too: nothing is live after that call, so the
    /// operands stay in registers on the common path instead of being saved to the stack at every step (each save a
    /// memory write queued behind the previous commit's drain).
    /// </remarks>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Append(CommitStepKind kind, long offset, long length, long value, bool inRange)
    {
        int count = _count;
        CommitStep[] steps = _steps;
        if ((uint)count < (uint)steps.Length)
        {
            steps[count] = new CommitStep(kind, offset, length, value, inRange);
            _count = count + 1;
        }
        else
        {
            AppendGrowing(kind, offset, length, value, inRange);
        }
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private void AppendGrowing(CommitStepKind kind, long offset, long length, long value, bool inRange)
    {
        Array.Resize(ref _steps, _steps.Length * 2);
        _steps[_count] = new CommitStep(kind, offset, length, value, inRange);
        _count++;
    }

    /// <summary>Appends a Write step of <paramref name="bytes"/> at <paramref name="offset"/> (in range), keeping the memory.</summary>
    /// <remarks>As <see cref="Append"/>: either array full goes to a call after which nothing is live.</remarks>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void AppendWrite(long offset, ReadOnlyMemory<byte> bytes)
    {
        int index = _memoryCount;
        int count = _count;
        ReadOnlyMemory<byte>[] memory = _memory;
        CommitStep[] steps = _steps;
        if ((uint)index < (uint)memory.Length && (uint)count < (uint)steps.Length)
        {
            steps[count] = new CommitStep(CommitStepKind.Write, offset, bytes.Length, index, true);
            _count = count + 1;
            memory[index] = bytes;
            _memoryCount = index + 1;
        }
        else
        {
            AppendWriteGrowing(offset, bytes);
        }
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private void AppendWriteGrowing(long offset, ReadOnlyMemory<byte> bytes) =>
        Append(CommitStepKind.Write, offset, bytes.Length, AddMemory(bytes), true);

    /// <summary>Keeps <paramref name="bytes"/> for a Write step; returns its index.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public int AddMemory(ReadOnlyMemory<byte> bytes)
    {
        int index = _memoryCount;
        if (index == _memory.Length)
        {
            Array.Resize(ref _memory, index * 2);
        }

        _memory[index] = bytes;
        _memoryCount = index + 1;
        return index;
    }

    /// <summary>Forgets the steps and drops every reference to memory they held; the options stay.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Clear()
    {
        int memoryCount = _memoryCount;
        if (memoryCount != 0)
        {
            if (memoryCount == 1)
            {
                _memory[0] = default;
            }
            else
            {
                Array.Clear(_memory, 0, memoryCount);
            }

            _memoryCount = 0;
        }

        _count = 0;
    }
}
