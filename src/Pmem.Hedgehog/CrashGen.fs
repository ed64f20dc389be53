namespace Pmem.Hedgehog

open Hedgehog
open Hedgehog.FSharp
open Pmem.Simulation

[<RequireQualifiedAccess>]
module CrashGen =
    /// Crash points just before each fence or msync, and at the end of the run: where pending stores pile up.
    let private barrierPoints (simulator: PmemSimulator) =
        let events = simulator.Events

        [
            for i in 0 .. events.Count - 1 do
                match events[i] with
                | :? PmemEvent.Fence
                | :? PmemEvent.Msync -> yield i
                | _ -> ()

            yield events.Count
        ]
        |> List.distinct

    let point (simulator: PmemSimulator) =
        let any = Gen.int32 (Range.constant 0 simulator.Events.Count)
        Gen.frequency [ 1, any; 1, Gen.item (barrierPoints simulator) ]

    let private prefix (units: int) =
        Gen.frequency [ 1, Gen.constant 0; 1, Gen.constant units; 2, Gen.int32 (Range.constant 0 units) ]

    let prefixes (state: CrashState) =
        state.PendingLines |> Seq.map (fun line -> prefix line.Units.Count) |> List.ofSeq |> Gen.sequenceList

    let crash (simulator: PmemSimulator) =
        gen {
            let! point = point simulator
            let state = simulator.CrashStateAt point
            let! chosen = prefixes state
            return CrashImage(state, chosen)
        }
