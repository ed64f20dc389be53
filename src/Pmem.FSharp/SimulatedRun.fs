namespace Pmem.FSharp

open Pmem.Simulation

[<NoEquality; NoComparison>]
type SimulatedRun<'T> =
    {
        Value: Result<'T, PmemError>
        Simulator: PmemSimulator
    }
