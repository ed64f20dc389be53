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
