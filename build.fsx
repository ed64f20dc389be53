// Pmem build: dotnet fsi build.fsx -t <Target>   (Clean, Build, Test, Demo, Bench, Pack, Soak, Format, CheckFormat)
#r "nuget: Fake.Core.Target, 5.20.3"
#r "nuget: Fake.DotNet.Cli, 5.20.3"
#r "nuget: Fake.IO.FileSystem, 5.20.3"

open System
open Fake.Core
open Fake.Core.TargetOperators
open Fake.IO
open Fake.IO.Globbing.Operators

let args = fsi.CommandLineArgs |> Array.skip 1 |> Array.toList
Context.FakeExecutionContext.Create false "build.fsx" args |> Context.RuntimeContext.Fake |> Context.setExecutionContext

let root = __SOURCE_DIRECTORY__
let configuration = "Release"

/// Runs dotnet with arguments in the repository root and fails the target on a non-zero exit code.
let dotnet (arguments: string list) =
    let result =
        CreateProcess.fromRawCommand "dotnet" arguments
        |> CreateProcess.withWorkingDirectory root
        |> Proc.run
    if result.ExitCode <> 0 then
        failwithf "dotnet %s failed with exit code %d" (String.Join(" ", arguments)) result.ExitCode

/// Arguments after the target's name go to the program the target runs. `dotnet fsi` removes the "--" of
/// `dotnet fsi build.fsx -t Bench -- --quick` itself, so the separator cannot be searched for.
let passThrough =
    match List.tryFindIndex (fun a -> a = "-t" || a = "--target") args with
    | Some i -> args |> List.skip (i + 2) |> List.filter ((<>) "--")
    | None -> []

let runProject project (programArgs: string list) =
    dotnet ([ "run"; "--project"; project; "-c"; configuration; "--no-build"; "--" ] @ programArgs)

Target.create "Clean" (fun _ ->
    !! "src/*/bin" ++ "src/*/obj" ++ "tests/*/bin" ++ "tests/*/obj" ++ "bench/*/bin" ++ "bench/*/obj" ++ "artifacts"
    |> Shell.cleanDirs)

Target.create "Build" (fun _ -> dotnet [ "build"; "Pmem.sln"; "-c"; configuration ])

Target.create "Test" (fun _ -> runProject "tests/Pmem.Tests" ([ "--colours"; "0"; "--no-spinner" ] @ passThrough))

Target.create "Soak" (fun _ -> runProject "tests/Pmem.Tests" [ "--colours"; "0"; "--no-spinner"; "--soak" ])

Target.create "Demo" (fun _ -> runProject "src/Pmem.Cli" [ "demo" ])

// Side-by-side benchmarks vs C libpmem (its C peer is compiled by the bench with gcc; it says how to install
// what is missing). "-- --quick" for the < 3 minute run, "-- --bdn" for the allocation check, "-- --help" for the rest.
Target.create "Bench" (fun _ -> runProject "bench/Pmem.Bench" passThrough)

Target.create "Default" ignore

"Build" ==> "Test" ==> "Default"
"Build" ==> "Demo"
"Build" ==> "Bench"
"Build" ==> "Soak"

Target.runOrDefaultWithArguments "Default"
