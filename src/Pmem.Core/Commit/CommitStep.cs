using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Pmem;

/// <summary>What one <see cref="CommitStep"/> is.</summary>
internal enum CommitStepKind : byte
{
    /// <summary>Bytes of caller memory (the journal's memory list, <see cref="CommitStep.Value"/> indexes it), read when applied.</summary>
    Write = 0,

    /// <summary>A 1-, 2-, 4- or 8-byte little-endian value held in <see cref="CommitStep.Value"/>.</summary>
    Scalar = 1,

    /// <summary><see cref="CommitStep.Length"/> copies of the byte in <see cref="CommitStep.Value"/>.</summary>
    Fill = 2,

    /// <summary>An ordering point: the steps before it are durable before any step after it is stored.</summary>
    Barrier = 3,

    /// <summary>A read the plan made (recorded only for rendering; applying ignores it).</summary>
    Read = 4,
}

/// <summary>
/// One effect of a plan, in program order: what the F# layer's journal records in phase 1 of a commit and
/// <see cref="CommitApply"/> executes in phase 2.
/// </summary>
/// <remarks>
/// No references, so storing one into the step array is a plain copy (no GC write barrier) and a plan of scalars and
/// fills leaves nothing to clear; the memory of Write steps lives in a separate list that <see cref="Value"/> indexes.
/// </remarks>
[StructLayout(LayoutKind.Auto)]
internal readonly record struct CommitStep
{
    /// <summary>A step of <paramref name="kind"/>; <paramref name="inRange"/>: whether it lies inside the target.</summary>
    /// <remarks>
    /// Inlined even where the caller's inlining budget is spent (a block's code, DurableBuilder.Run): a call here
    /// builds the step on the stack and copies it with wide loads of fields just written one by one, which
    /// store-to-load forwarding cannot serve, and behind the previous commit's drain such a load waits for the drain.
    /// </remarks>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public CommitStep(CommitStepKind kind, long offset, long length, long value, bool inRange = true)
    {
        Kind = kind;
        Offset = offset;
        Length = length;
        Value = value;
        InRange = inRange;
    }

    /// <summary>What the step is.</summary>
    public CommitStepKind Kind { get; }

    /// <summary>Where it starts in the target.</summary>
    public long Offset { get; }

    /// <summary>How many bytes it covers.</summary>
    public long Length { get; }

    /// <summary>A Write's memory index, a Scalar's value, a Fill's byte.</summary>
    public long Value { get; }

    /// <summary>Whether it lies inside the target (false only in a render's journal).</summary>
    public bool InRange { get; }

    /// <summary>A scalar of <paramref name="size"/> bytes (1, 2, 4 or 8).</summary>
    public static CommitStep Scalar(long offset, int size, long value) => new(CommitStepKind.Scalar, offset, size, value);
}
