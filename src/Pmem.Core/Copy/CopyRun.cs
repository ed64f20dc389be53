namespace Pmem;

/// <summary>What a persistent copy or fill actually executed: the routine and the vector width it ran with.</summary>
/// <param name="Path">The routine.</param>
/// <param name="Isa">The width of the engine that ran (<see cref="CopyIsa.Generic"/> for the scalar, runtime and empty paths).</param>
/// <param name="Workers">How many pieces of the call other threads were handed (<see cref="ParallelCopy"/>); 0 when it ran on the calling thread alone.</param>
/// <param name="Movdir64B">Whether the whole lines were written by MOVDIR64B (<see cref="Movdir64BCopy"/>).</param>
internal readonly record struct CopyRun(CopyPath Path, CopyIsa Isa, int Workers = 0, bool Movdir64B = false);
