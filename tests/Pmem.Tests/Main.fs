module Pmem.Tests.Main

open Expecto
open Expecto.Impl

let allTests = testList "Pmem" [ CopyTests.tests; CopyDispatchTests.tests; CopyAtomicityTests.tests; CopyLibpmemTests.tests; CopyApiTests.tests ]

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

[<EntryPoint>]
let main argv =
    runTestsWithCLIArgs [ CLIArguments.Printer summaryLine ] argv allTests
