namespace Pmem.FSharp

open Pmem.Simulation

/// <summary>
/// Readable text about crash images of a simulated run: where the crash happened, which pending stores persisted,
/// and how the image differs from the states before and after the run. Crash properties print it for a
/// counterexample; any test can.
/// </summary>
[<RequireQualifiedAccess>]
module Crash =
    /// <summary>
    /// Describes <paramref name="crash"/>, an image of the run <paramref name="simulator"/> recorded: the events
    /// before the crash point (the last ones, numbered from 1) and the next few that did not happen; each cache line
    /// that was pending, with the byte ranges of its units that persisted and those lost; and the image's
    /// differences from the initial image and from the image the whole run leaves.
    /// </summary>
    /// <example><code lang="F#">
    /// for crash in run.Simulator.CrashImages() do
    ///     if not (consistent crash.Image) then failwith (Crash.describe run.Simulator crash)
    /// </code></example>
    val describe: simulator: PmemSimulator -> crash: CrashImage -> string

    /// <summary>
    /// The byte ranges where <paramref name="after"/> differs from <paramref name="before"/> (arrays of one length),
    /// one line per range with both sides in hex (the first 16 bytes, at most 12 ranges), or a line saying they are
    /// equal.
    /// </summary>
    val diff: before: byte array -> after: byte array -> string
