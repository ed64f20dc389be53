/// docs/examples/durable_log.fsx runs as documented (scripts rot unless run): against the Release assemblies.
module Pmem.Tests.DurableLogExampleTests

open System
open System.IO
open Expecto
open Pmem.Tests.TestDsl

/// The repository root: the nearest directory above the test assembly that holds Pmem.sln.
let private repositoryRoot () =
    let rec up (dir: DirectoryInfo) =
        if isNull dir then None
        elif File.Exists(Path.Combine(dir.FullName, "Pmem.sln")) then Some dir.FullName
        else up dir.Parent

    up (DirectoryInfo AppContext.BaseDirectory)

let tests =
    testList
        "examples"
        [ testCase "durable_log.fsx appends, reopens and reads back its records"
          <| fun () ->
              match repositoryRoot () with
              | None -> skip "the tests do not run from a repository checkout"
              | Some root ->
                  let release = Path.Combine(root, "src", "Pmem.FSharp", "bin", "Release", "net10.0", "Pmem.FSharp.dll")

                  if not (File.Exists release) then
                      skip "the script references the Release build: run dotnet build -c Release first"

                  let script = Path.Combine(root, "docs", "examples", "durable_log.fsx")
                  let code, output = run "dotnet" [ "fsi"; "--quiet"; script ]
                  Expect.equal code 0 $"the script exits 0; it printed:\n{output}"

                  for line in
                      [ "1 barrier, 1 read"
                        "(int64 26)"
                        "appended 3 records"
                        "appended 1 record"
                        "read back 4 records: alpha, beta, gamma, delta" ] do
                      Expect.stringContains output line "the script's output"

          testCase "README's F# quick start is the script's code"
          <| fun () ->
              match repositoryRoot () with
              | None -> skip "the tests do not run from a repository checkout"
              | Some root ->
                  let script = File.ReadAllLines(Path.Combine(root, "docs", "examples", "durable_log.fsx")) |> Array.map _.Trim()
                  let readme = File.ReadAllText(Path.Combine(root, "README.md"))
                  let section = readme.Substring(readme.IndexOf "## F# quick start")

                  let blocks =
                      section.Split("```fsharp").[1..]
                      |> Array.map (fun block -> block.Substring(0, block.IndexOf "```"))

                  Expect.isNonEmpty blocks "the section has F# code"

                  for block in blocks do
                      for line in block.Split('\n') |> Array.map _.Trim() |> Array.filter ((<>) "") do
                          Expect.contains script line "each README line is in durable_log.fsx" ]
