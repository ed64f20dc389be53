namespace Pmem.FSharp

open Pmem.Simulation

/// <summary>
/// A plan committed on a simulated persistent-memory device (<c>Durable.simulate</c>): what the commit returned,
/// and the device, which recorded every store, flush and fence the commit issued and can list the memory images a
/// power failure at any point of the run could leave (<c>Simulator.CrashStateAt</c>, <c>Simulator.CrashImages</c>).
/// </summary>
/// <example><code lang="F#">
/// let run = Durable.simulate (Array.zeroCreate 4096) (Durable.writeInt64 64L 42L)
/// run.Simulator.Events          // store [64, 72), flush [64, 128), fence
/// run.Simulator.CrashStateAt 1  // after the store: line 1 pending, 1 unit
/// </code></example>
[<NoEquality; NoComparison>]
type SimulatedRun<'T> =
    {
        /// What the commit returned (<c>Error</c> when the plan failed phase 1: then the device recorded nothing).
        Value: Result<'T, PmemError>
        /// The simulated device after the commit; its <c>InitialImage()</c> is the state before it.
        Simulator: PmemSimulator
    }
