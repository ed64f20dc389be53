/// `pmem bench`: runs the side-by-side benchmark of a Pmem checkout (bench/Pmem.Bench, with its C peer compiled
/// against libpmem). The harness and its chart library are not shipped in the tool package, which stays small.
module internal Pmem.Cli.Bench

open System
open System.Diagnostics
open System.IO

/// The exit code bench/Pmem.Bench uses when its C peer cannot be built or loaded.
[<Literal>]
let private PeerMissing = 3

let rec private findCheckout (directory: DirectoryInfo | null) =
    match directory with
    | null -> None
    | d when File.Exists(Path.Combine(d.FullName, "bench", "Pmem.Bench", "Pmem.Bench.csproj")) -> Some d.FullName
    | d -> findCheckout d.Parent

/// The harness's built assembly when a Release build exists, otherwise `dotnet run` of its project.
let private command (root: string) =
    let built = Path.Combine(root, "bench", "Pmem.Bench", "bin", "Release", "net10.0", "Pmem.Bench.dll")

    if File.Exists built then
        [ built ]
    else
        [ "run"; "--project"; Path.Combine(root, "bench", "Pmem.Bench"); "-c"; "Release"; "--" ]

/// Runs the benchmark with the harness's own arguments (--quick, --no-peer, --filter, --output) and maps its exit code.
let run (arguments: string list) =
    match findCheckout (DirectoryInfo(Directory.GetCurrentDirectory())) with
    | None ->
        eprintfn "pmem bench runs the benchmark harness of a Pmem checkout (bench/Pmem.Bench and its C peer, which the"
        eprintfn "tool package does not carry): run it inside a clone of the repository."
        ExitCode.MissingDependency
    | Some root ->
        let start = ProcessStartInfo("dotnet", command root @ arguments, UseShellExecute = false)
        use harness = Process.Start start
        harness.WaitForExit()

        match harness.ExitCode with
        | 0 -> ExitCode.Ok
        | PeerMissing -> ExitCode.MissingDependency
        | 2 -> ExitCode.BadArguments
        | _ -> ExitCode.Failure
