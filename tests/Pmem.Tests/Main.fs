module Pmem.Tests.Main

open System
open Expecto
open Expecto.Impl

let allTests =
    testList
        "Pmem"
        [ InteropTests.tests
          CpuTests.tests
          OptionsTests.tests
          OptionsTests.sequencedTests
          PlatformTests.tests
          PlatformTests.sequencedTests
          DeviceInfoTests.tests
          MappingMatrixTests.tests
          MappingTests.tests
          MappingTests.sequencedTests
          FlushTests.tests
          FlushTests.sequencedTests
          CopyTests.tests
          CopyTests.movdir64BTests
          CopyDispatchTests.tests
          CopyAtomicityTests.tests
          CopyLibpmemTests.tests
          CopyApiTests.tests
          ParallelCopyTests.tests
          ParallelCopyTests.sequencedTests
          Movdir64BTests.tests
          Movdir64BTests.sequencedTests
          SimulatorTests.tests
          MappingModuleTests.tests
          ObsoletePmemTests.tests
          FSharpApiTests.tests
          DurableBuilderTests.tests
          DurableInference.tests
          DurableTests.tests
          DurableErrorTests.tests
          NestedPlanTests.tests
          DurableBlockWriteTests.tests
          CommitDrainAtEndTests.tests
          CommittingTests.tests
          CommittingMemoryTests.tests
          DurableDisposeTests.tests
          DurableRenderTests.tests
          DurableLogExampleTests.tests
          LibpmemExampleTests.tests
          CliTests.tests
          CliCopyStagingTests.tests
          CliExitCodeTests.tests
          PackageTests.tests
          DocSnippetTests.tests
          RedoLogTests.tests
          AtomicCommitTests.tests
          AtomicCommitFailureTests.tests
          CrashPropertyTests.tests
          CrashExampleTests.tests
          KillTests.tests
          LifetimeTests.tests
          MapFailureTests.tests
          SourceMapTests.tests
          ProtectionTests.tests
          GranularityTests.sequencedTests
          MapOptionsSourceTests.tests
          ErrorKindTests.tests
          CommitFastPathTests.tests
          CommitFlushOrderTests.tests
          ByteMemoryTests.tests
          ArchitectureTests.tests ]

/// Counts of the run, kept by the printer and printed by <c>main</c> after Expecto has finished writing.
let mutable private counts: (int * int * int) option = None

/// Prints Expecto's summary and keeps the counts for the one line CI reads.
let private summaryLine =
    { defaultConfig.printer with
        summary =
            fun config summary ->
                async {
                    do! defaultConfig.printer.summary config summary
                    let failed = summary.failed.Length + summary.errored.Length
                    counts <- Some(summary.passed.Length, failed, summary.ignored.Length)
                } }

/// "N passed, N failed, N skipped" alone on a plain line: written to the console stream directly after Expecto's
/// logger (which ends its lines with a colour reset, even with --colours 0) has flushed, after a line break of its own.
let private withSummary (code: int) =
    Console.Out.Flush()

    match counts with
    | Some (passed, failed, skipped) ->
        use out = new IO.StreamWriter(Console.OpenStandardOutput())
        out.Write $"\n{passed} passed, {failed} failed, {skipped} skipped\n"
    | None -> ()

    code

/// The Soak target's kill count.
let private soakKills = 1000

/// Arguments handled before Expecto sees them:
/// <c>--crash-child path seed</c> runs the kill test's child (commits until killed);
/// <c>--lifetime-child scenario ...</c> runs a scenario that would kill the process if Pmem regressed;
/// <c>--soak</c> runs the kill test with 1000 kills instead of 50, and the lifetime stress for 10 minutes
/// (<c>--soak-minutes M</c> for M minutes, e.g. a shortened check of the soak itself).
[<EntryPoint>]
let main argv =
    match List.ofArray argv with
    | "--crash-child" :: path :: seed :: _ -> KillTests.child path (int seed)
    | "--lifetime-child" :: scenario -> LifetimeChild.run scenario
    | args when List.contains "--soak" args ->
        let rec split minutes rest =
            function
            | "--soak" :: tail -> split minutes rest tail
            | "--soak-minutes" :: m :: tail -> split (float m) rest tail
            | arg :: tail -> split minutes (arg :: rest) tail
            | [] -> minutes, List.rev rest |> Array.ofList
        let minutes, rest = split 10.0 [] args
        runTestsWithCLIArgs [ CLIArguments.Printer summaryLine ] rest (testList "Soak" [ KillTests.testsWith soakKills; LifetimeTests.soakTests minutes ])
        |> withSummary
    | _ -> runTestsWithCLIArgs [ CLIArguments.Printer summaryLine ] argv allTests |> withSummary
