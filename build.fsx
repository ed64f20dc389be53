// Pmem build: dotnet fsi build.fsx -t <Target>   (Clean, Build, Test, Demo, Bench, Pack, Soak)
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
    !! "src/*/bin" ++ "src/*/obj" ++ "tests/*/bin" ++ "tests/*/obj" ++ "bench/*/bin" ++ "bench/*/obj" ++ "docs/examples/*/bin" ++ "docs/examples/*/obj" ++ "artifacts"
    |> Shell.cleanDirs)

Target.create "Build" (fun _ -> dotnet [ "build"; "Pmem.sln"; "-c"; configuration ])

Target.create "Test" (fun _ -> runProject "tests/Pmem.Tests" ([ "--colours"; "0"; "--no-spinner" ] @ passThrough))

Target.create "Soak" (fun _ -> runProject "tests/Pmem.Tests" [ "--colours"; "0"; "--no-spinner"; "--soak" ])

/// Runs docs/examples/NAME.fsx with script arguments (the scripts reference the Release build).
let runScript name (scriptArgs: string list) =
    dotnet ([ "fsi"; "--quiet"; $"docs/examples/{name}.fsx" ] @ scriptArgs)

// The CLI's demo and capability report, the libpmem introduction's three programs and `pmem copy` on temporary files
// (each copy checked against its source), then the durable { } log example.
Target.create "Demo" (fun _ ->
    runProject "src/Pmem.Cli" [ "demo" ]
    runProject "src/Pmem.Cli" [ "info" ]
    let dir = IO.Path.Combine(IO.Path.GetTempPath(), $"pmem-demo-{Guid.NewGuid():N}")
    IO.Directory.CreateDirectory dir |> ignore

    try
        runScript "manpage" [ IO.Path.Combine(dir, "manpage.pmem") ]
        let source = IO.Path.Combine(root, "README.md")

        let copies =
            [ "simple_copy", (fun copy -> runScript "simple_copy" [ source; copy ])
              "full_copy", (fun copy -> runScript "full_copy" [ source; copy ])
              "pmem_copy", (fun copy -> runProject "src/Pmem.Cli" [ "copy"; source; copy ]) ]

        for name, copyTo in copies do
            let copy = IO.Path.Combine(dir, $"{name}.pmem")
            copyTo copy

            if IO.File.ReadAllBytes copy <> IO.File.ReadAllBytes source then
                failwithf "%s: the copy differs from %s" name source
    finally
        IO.Directory.Delete(dir, true)

    runScript "durable_log" [])

let packable =
    [ "src/Pmem.Core/Pmem.Core.csproj"; "src/Pmem.FSharp/Pmem.FSharp.fsproj"; "src/Pmem.Cli/Pmem.Cli.fsproj" ]

// Packages of the Release build (+ symbol packages) into artifacts/; the version is Directory.Build.props's.
Target.create "Pack" (fun _ ->
    Shell.cleanDir (IO.Path.Combine(root, "artifacts"))

    for project in packable do
        dotnet [ "pack"; project; "-c"; configuration; "--no-build"; "-o"; "artifacts" ])

// Side-by-side benchmarks vs C libpmem (its C peer is compiled by the bench with gcc; it says how to install
// what is missing). "-- --quick" for the < 3 minute run, "-- --bdn" for the allocation check, "-- --help" for the rest.
Target.create "Bench" (fun _ -> runProject "bench/Pmem.Bench" passThrough)

Target.create "Default" ignore

"Build" ==> "Test" ==> "Default"
"Build" ==> "Demo"
"Build" ==> "Pack"
"Build" ==> "Bench"
"Build" ==> "Soak"

Target.runOrDefaultWithArguments "Default"
