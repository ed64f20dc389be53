namespace Pmem.Hedgehog

open System
open Hedgehog
open Hedgehog.FSharp
open Pmem.FSharp
open Pmem.Simulation

[<RequireQualifiedAccess>]
module CrashProperty =
    /// What recover returned (as %A text, made when a report needs it), once it has run.
    type private Recovered = { mutable State: (unit -> string) option }

    let private text (context: unit -> string) (simulator: PmemSimulator) (crash: CrashImage) (recovered: Recovered) =
        let plan = context ()
        let header = if plan = "" then "" else plan + "\n"

        let outcome =
            match recovered.State with
            | Some state -> $"Recovered state (does not satisfy the invariant):\n{state ()}"
            | None -> "Recovery did not return (see the exception below)."

        $"{header}{Crash.describe simulator crash}{outcome}"

    /// Runs recover and invariant on one image, as a property whose journal describes the crash.
    let private verdict context (recover: byte array -> 'S) (invariant: 'S -> bool) simulator (crash: CrashImage) =
        let recovered = { State = None }

        Property.counterexample (fun () -> text context simulator crash recovered)
        |> Property.bind (fun () ->
            let state = recover (Array.copy crash.Image)
            recovered.State <- Some(fun () -> sprintf "%A" state)
            Property.ofBool (invariant state))

    let private parameter (crash: CrashImage) =
        Journal.singleton (fun () -> TestParameter("crash", box crash))

    /// The first image, in run order, that fails: recover throws, or the invariant does not hold.
    let private firstFailure (recover: byte array -> 'S) (invariant: 'S -> bool) (images: CrashImage seq) =
        images
        |> Seq.tryFind (fun crash ->
            try
                not (invariant (recover (Array.copy crash.Image)))
            with _ ->
                true)

    let private check search context recover invariant (simulator: PmemSimulator) =
        match search with
        | CrashSearch.Generated ->
            CrashGen.crash simulator
            |> Property.bindWith parameter (verdict context recover invariant simulator)
        | CrashSearch.Exhaustive sample ->
            if sample < 1 then
                invalidArg (nameof search) "CrashSearch.Exhaustive needs a sample of at least 1 image per crash point."

            match firstFailure recover invariant (simulator.CrashImages(CrashEngine.Auto, sample)) with
            | None -> Property.success ()
            | Some crash ->
                // Run the failing image again inside the property, so the report has the crash and what recover did.
                Gen.constant crash |> Property.bindWith parameter (verdict context recover invariant simulator)

    let forRunWith search (recover: byte array -> 'S) (invariant: 'S -> bool) (simulator: PmemSimulator) =
        Property.delay (fun () -> check search (fun () -> "") recover invariant simulator)

    let forRun recover invariant simulator =
        forRunWith CrashSearch.Generated recover invariant simulator

    let forPlanWith search (recover: byte array -> 'S) (invariant: 'S -> bool) (initial: byte array) (plan: Durable<'T>) =
        Property.delay (fun () ->
            let context () =
                Durable.renderOn (PmemSimulator(ReadOnlySpan initial)) plan

            let run = Durable.simulate initial plan

            match run.Value with
            | Ok _ -> check search context recover invariant run.Simulator
            | Error e ->
                Property.counterexample (fun () -> $"{context ()}The commit failed: {PmemError.describe e}")
                |> Property.bind (fun () -> Property.failure))

    let forPlan recover invariant initial plan =
        forPlanWith CrashSearch.Generated recover invariant initial plan
