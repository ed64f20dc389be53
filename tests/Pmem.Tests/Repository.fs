/// The repository the tests run from, its built artefacts, and processes run against them (examples, the CLI,
/// packages): the tests that prove the documented commands work as documented.
module Pmem.Tests.Repository

open System
open System.Diagnostics
open System.IO
open Pmem.Tests.TestDsl

/// The repository root: the nearest directory above the test assembly that holds Pmem.sln.
let tryRoot () =
    let rec up (dir: DirectoryInfo) =
        if isNull dir then None
        elif File.Exists(Path.Combine(dir.FullName, "Pmem.sln")) then Some dir.FullName
        else up dir.Parent

    up (DirectoryInfo AppContext.BaseDirectory)

/// The repository root, or skips the test when the tests do not run from a checkout.
let root () =
    match tryRoot () with
    | Some root -> root
    | None -> skip "the tests do not run from a repository checkout"

/// A path under the repository root, from '/'-separated parts.
let file (relative: string) = Path.Combine(root (), relative)

/// A Release build output (the scripts and tools are run from the Release build, as the docs say); skips the test
/// when it has not been built.
let releaseOutput (relative: string) =
    let path = file relative

    if not (File.Exists path) then
        skip $"{relative} is not built: run dotnet build -c Release (or dotnet fsi build.fsx -t Test) first"

    path

/// What a finished process did.
type Ran = { Code: int; Out: string; Err: string }

/// Runs a process to completion in a working directory (None: this process's) with extra environment variables
/// (NO_COLOR keeps the CLI's output plain); fails the test if it runs longer than the timeout.
let runIn (directory: string option) (environment: (string * string) list) (timeout: TimeSpan) (fileName: string) (args: string list) =
    let psi = ProcessStartInfo(fileName)
    directory |> Option.iter (fun d -> psi.WorkingDirectory <- d)

    for a in args do
        psi.ArgumentList.Add a

    psi.RedirectStandardOutput <- true
    psi.RedirectStandardError <- true
    psi.Environment["NO_COLOR"] <- "1"

    for name, value in environment do
        psi.Environment[name] <- value

    use p = Process.Start psi
    let out = p.StandardOutput.ReadToEndAsync()
    let err = p.StandardError.ReadToEndAsync()

    if not (p.WaitForExit timeout) then
        p.Kill true
        failwithf "%s %s did not finish within %O" fileName (String.Join(" ", args)) timeout

    p.WaitForExit()
    { Code = p.ExitCode; Out = out.Result; Err = err.Result }

/// runIn this process's working directory.
let runWith environment timeout fileName args = runIn None environment timeout fileName args

/// Runs a command of the dotnet host (fsi, pack, an app's dll) with the default two-minute limit.
let dotnet (environment: (string * string) list) (args: string list) =
    runWith environment (TimeSpan.FromMinutes 2.0) "dotnet" args

/// Random bytes of the given length in a new file.
let randomFile (path: string) (length: int) =
    let bytes = Array.zeroCreate<byte> length
    Random.Shared.NextBytes bytes
    File.WriteAllBytes(path, bytes)
    bytes

/// Expects the file to hold exactly these bytes.
let expectSameBytes (path: string) (expected: byte array) (what: string) =
    Expecto.Expect.isTrue (File.Exists path) $"{what}: {path} exists"
    let actual = File.ReadAllBytes path
    Expecto.Expect.equal actual.Length expected.Length $"{what}: the length"
    Expecto.Expect.isTrue (actual.AsSpan().SequenceEqual(ReadOnlySpan expected)) $"{what}: the bytes are equal"
