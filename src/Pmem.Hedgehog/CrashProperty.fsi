namespace Pmem.Hedgehog

open Hedgehog
open Pmem.FSharp
open Pmem.Simulation

/// <summary>
/// Crash properties: "after a power failure at any moment of this run, recovery yields a valid state". The run is
/// recorded by a simulated persistent-memory device (PmemSimulator); each crash image it allows is handed to
/// <c>recover</c>, and <c>invariant</c> must hold for what it returns. A failure reports the plan
/// (<c>Durable.render</c>), the crash point with the events around it, which pending stores persisted, the image's
/// differences from the states before and after the run, and the recovered state (<c>%A</c>).
/// </summary>
/// <remarks>
/// The properties compose with the <c>property { }</c> builder: generate the plan's inputs there, then
/// <c>do!</c> (or <c>return!</c>) a crash property; Hedgehog then shrinks the inputs and the crash together. The
/// crash appears among the report's test parameters as <c>crash</c> (a CrashImage), its description among the
/// counterexamples.
/// </remarks>
/// <example><code lang="F#">
/// property {
///     let! records = Gen.list (Range.linear 1 4) genRecord
///     do! CrashProperty.forPlan readLog (fun log -> log = [] || log = records) (Array.zeroCreate 1024) (append records)
/// }
/// |> Property.checkWith (PropertyConfig.defaults |> PropertyConfig.withTests 300&lt;tests&gt;)
/// </code></example>
[<RequireQualifiedAccess>]
module CrashProperty =
    /// <summary>
    /// For every crash image of the run <paramref name="simulator"/> recorded (searched as <paramref name="search"/>
    /// says), <c>recover image</c> returns a state that satisfies <paramref name="invariant"/>; an exception from
    /// either fails the property too.
    /// </summary>
    /// <param name="search">Generated crashes, or every crash point exhaustively.</param>
    /// <param name="recover">Reads (and may repair) a crash image: gets a fresh copy of the image each time.</param>
    /// <param name="invariant">What must hold of every recovered state.</param>
    /// <param name="simulator">The run: a simulator that recorded the code under test (it must not record more
    /// events while the property runs). Its initial image is the state before the run.</param>
    val forRunWith:
        search: CrashSearch ->
        recover: (byte array -> 'S) ->
        invariant: ('S -> bool) ->
        simulator: PmemSimulator ->
            Property<unit>

    /// <c>forRunWith CrashSearch.Generated</c>.
    val forRun: recover: (byte array -> 'S) -> invariant: ('S -> bool) -> simulator: PmemSimulator -> Property<unit>

    /// <summary>
    /// Commits <paramref name="plan"/> with <c>Durable.commit</c> on a simulated device that starts as
    /// <paramref name="initial"/>, then checks every crash image of that commit as <c>forRunWith</c> does; a failure
    /// also shows <c>Durable.renderOn</c> of the plan. A commit that returns an error fails the property.
    /// </summary>
    val forPlanWith:
        search: CrashSearch ->
        recover: (byte array -> 'S) ->
        invariant: ('S -> bool) ->
        initial: byte array ->
        plan: Durable<'T> ->
            Property<unit>

    /// <c>forPlanWith CrashSearch.Generated</c>: for every crash image of running <paramref name="plan"/> on
    /// <paramref name="initial"/>, <c>recover image</c> satisfies <paramref name="invariant"/>.
    val forPlan:
        recover: (byte array -> 'S) ->
        invariant: ('S -> bool) ->
        initial: byte array ->
        plan: Durable<'T> ->
            Property<unit>
