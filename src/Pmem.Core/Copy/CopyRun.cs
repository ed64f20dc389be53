using System.Runtime.CompilerServices;

namespace Pmem;

/// <summary>What a persistent copy or fill actually executed: the routine and the vector width it ran with.</summary>
/// <remarks>
/// The constructor is always inlined: a commit's stores drop the value, and built by a call it was four stores to the
/// stack and a copy of them, made while the previous commit's drain completes (see DurableCommit.commitBody).
/// </remarks>
internal readonly record struct CopyRun
{
    /// <summary>A run of <paramref name="path"/> with the engine of width <paramref name="isa"/>.</summary>
    /// <param name="path">The routine.</param>
    /// <param name="isa">The width of the engine that ran (<see cref="CopyIsa.Generic"/> for the scalar, runtime and empty paths).</param>
    /// <param name="workers">How many pieces of the call other threads were handed (<see cref="ParallelCopy"/>); 0 when it ran on the calling thread alone.</param>
    /// <param name="movdir64B">Whether the whole lines were written by MOVDIR64B (<see cref="Movdir64BCopy"/>).</param>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public CopyRun(CopyPath path, CopyIsa isa, int workers = 0, bool movdir64B = false)
    {
        Path = path;
        Isa = isa;
        Workers = workers;
        Movdir64B = movdir64B;
    }

    /// <summary>The routine.</summary>
    public CopyPath Path { get; }

    /// <summary>The width of the engine that ran (<see cref="CopyIsa.Generic"/> for the scalar, runtime and empty paths).</summary>
    public CopyIsa Isa { get; }

    /// <summary>How many pieces of the call other threads were handed (<see cref="ParallelCopy"/>); 0 when it ran on the calling thread alone.</summary>
    public int Workers { get; }

    /// <summary>Whether the whole lines were written by MOVDIR64B (<see cref="Movdir64BCopy"/>).</summary>
    public bool Movdir64B { get; }
}
