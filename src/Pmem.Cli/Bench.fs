/// `pmem bench`: the side-by-side benchmark against C libpmem (bench/Pmem.Bench's Runner), from the command line.
module internal Pmem.Cli.Bench

open System
open System.IO
open Pmem.Bench

/// Where results go: in a checkout of the repository its bench/results and docs (as `build.fsx -t Bench` writes
/// them); elsewhere, or with --output, one directory for the CSV files, perf.md and the chart.
let private options quick noPeer (filter: string option) (output: string option) (commandLine: string) =
    let here = Directory.GetCurrentDirectory()

    match output, Option.ofObj (BenchOptions.FindRepositoryRoot here) with
    | None, Some root ->
        let inRepository = BenchOptions.ForRepository(root, quick)

        BenchOptions(
            Quick = quick,
            NoPeer = noPeer,
            Filter = Option.toObj filter,
            ResultsDirectory = inRepository.ResultsDirectory,
            DocsDirectory = inRepository.DocsDirectory,
            PeerBuildDirectory = inRepository.PeerBuildDirectory,
            CommandLine = commandLine
        )
    | _ ->
        let directory = Path.GetFullPath(defaultArg output (Path.Combine(here, "pmem-bench")))

        BenchOptions(
            Quick = quick,
            NoPeer = noPeer,
            Filter = Option.toObj filter,
            ResultsDirectory = directory,
            DocsDirectory = directory,
            PeerBuildDirectory = Path.Combine(directory, "peer"),
            CommandLine = commandLine
        )

/// Runs the benchmark; the exit code says whether the C peer was missing.
let run quick noPeer filter output commandLine =
    match Runner.Run(options quick noPeer filter output commandLine) with
    | 0 -> ExitCode.Ok
    | code when code = Runner.PeerMissingExitCode -> ExitCode.MissingDependency
    | _ -> ExitCode.Failure
