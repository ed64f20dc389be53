namespace Pmem.Hedgehog

open Hedgehog
open Pmem.Simulation

/// <summary>
/// Hedgehog generators of crashes of a simulated run: where the power fails, and which pending stores reached
/// persistence. They shrink towards the earliest crash point and the fewest persisted units, so a failing crash
/// property reports the simplest crash that breaks recovery.
/// </summary>
[<RequireQualifiedAccess>]
module CrashGen =
    /// <summary>
    /// A crash point of the run <paramref name="simulator"/> recorded: how many of its events happened, from 0 (none)
    /// to <c>Events.Count</c> (all). Half the time one of the points where the most stores are pending (just before
    /// each fence or msync, and the end of the run), otherwise any point. Shrinks towards the earliest point.
    /// </summary>
    val point: simulator: PmemSimulator -> Gen<int>

    /// <summary>
    /// For each line pending in <paramref name="state"/>, how many of its units persisted: none, all, or any prefix
    /// (about 1 in 4, 1 in 4 and 1 in 2). Shrinks towards none.
    /// </summary>
    val prefixes: state: CrashState -> Gen<int list>

    /// <summary>
    /// A crash image of the run <paramref name="simulator"/> recorded: a <c>point</c>, then <c>prefixes</c> for the
    /// state there. Every image it gives is one the model allows; every allowed image can be given.
    /// </summary>
    /// <remarks>The simulator must not record more events while the generator is in use.</remarks>
    val crash: simulator: PmemSimulator -> Gen<CrashImage>
