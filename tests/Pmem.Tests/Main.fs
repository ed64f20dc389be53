module Pmem.Tests.Main

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
          MappingMatrixTests.tests
          MappingTests.tests
          MappingTests.sequencedTests
          FlushTests.tests
          FlushTests.sequencedTests
          CopyTests.tests
          CopyDispatchTests.tests
          CopyAtomicityTests.tests
          CopyLibpmemTests.tests
          CopyApiTests.tests
          ParallelCopyTests.tests
          ParallelCopyTests.sequencedTests
          SimulatorTests.tests
          PmemModuleTests.tests
          DurableBuilderTests.tests
          DurableInference.tests
          DurableTests.tests
          DurableDisposeTests.tests
          DurableRenderTests.tests
          DurableLogExampleTests.tests
          LibpmemExampleTests.tests
          CliTests.tests
          PackageTests.tests
          RedoLogTests.tests
          AtomicCommitTests.tests
          CrashPropertyTests.tests
          CrashExampleTests.tests
          KillTests.tests
          LifetimeTests.tests
          MapFailureTests.tests ]

/// Prints Expecto's summary, then the one line CI reads: "N passed, N failed, N skipped".
let private summaryLine =
    { defaultConfig.printer with
        summary =
            fun config summary ->
                async {
                    do! defaultConfig.printer.summary config summary
                    let failed = summary.failed.Length + summary.errored.Length
                    printfn "%d passed, %d failed, %d skipped" summary.passed.Length failed summary.ignored.Length
                } }

/// The Soak target's kill count.
let private soakKills = 1000

/// Arguments handled before Expecto sees them:
/// <c>--crash-child path seed</c> runs the kill test's child (commits until killed);
/// <c>--lifetime-child scenario ...</c> runs a scenario that would kill the process if Pmem regressed;
/// <c>--soak</c> runs only the kill test, with 1000 kills instead of 50.
[<EntryPoint>]
let main argv =
    match List.ofArray argv with
    | "--crash-child" :: path :: seed :: _ -> KillTests.child path (int seed)
    | "--lifetime-child" :: scenario -> LifetimeChild.run scenario
    | args when List.contains "--soak" args ->
        let rest = args |> List.filter ((<>) "--soak") |> Array.ofList
        runTestsWithCLIArgs [ CLIArguments.Printer summaryLine ] rest (KillTests.testsWith soakKills)
    | _ -> runTestsWithCLIArgs [ CLIArguments.Printer summaryLine ] argv allTests
