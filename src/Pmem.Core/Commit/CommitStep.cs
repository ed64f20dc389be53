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
internal readonly record struct CommitStep(CommitStepKind Kind, long Offset, long Length, long Value, bool InRange = true)
{
    /// <summary>A scalar of <paramref name="size"/> bytes (1, 2, 4 or 8).</summary>
    public static CommitStep Scalar(long offset, int size, long value) => new(CommitStepKind.Scalar, offset, size, value);
}
