/// docs/examples/crash_property.fsx runs as documented, and docs/crash-consistency.md shows its code.
module Pmem.Tests.CrashExampleTests

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

let private withRoot (body: string -> unit) () =
    match repositoryRoot () with
    | None -> skip "the tests do not run from a repository checkout"
    | Some root -> body root

let tests =
    testList
        "crash example"
        [ testCase "crash_property.fsx catches the missing barrier and passes with it"
          <| withRoot (fun root ->
              let release = Path.Combine(root, "src", "Pmem.Hedgehog", "bin", "Release", "net10.0", "Pmem.Hedgehog.dll")

              if not (File.Exists release) then
                  skip "the script references the Release build: run dotnet build -c Release first"

              let script = Path.Combine(root, "docs", "examples", "crash_property.fsx")
              let code, output = run "dotnet" [ "fsi"; "--quiet"; script ]
              Expect.equal code 0 $"the script exits 0; it printed:\n{output}"

              for line in
                  [ "*** Failed! Falsifiable"
                    "----- crash -----"
                    "Recovered state (does not satisfy the invariant):"
                    "With Durable.barrier: every crash image recovers to the old or the new log." ] do
                  Expect.stringContains output line "the script's output")

          testCase "crash-consistency.md shows the script's code"
          <| withRoot (fun root ->
              let script = File.ReadAllLines(Path.Combine(root, "docs", "examples", "crash_property.fsx")) |> Array.map _.Trim()
              let doc = File.ReadAllText(Path.Combine(root, "docs", "crash-consistency.md"))
              let start = doc.IndexOf "## Writing a crash property"
              let section = doc.Substring(start, doc.IndexOf("\n## ", start + 1) - start)

              let blocks =
                  section.Split("```fsharp").[1..]
                  |> Array.map (fun block -> block.Substring(0, block.IndexOf "```"))

              Expect.hasLength blocks 2 "the section shows the plan and the property"

              for block in blocks do
                  for line in block.Split('\n') |> Array.map _.Trim() |> Array.filter ((<>) "") do
                      Expect.contains script line "each line shown is in crash_property.fsx") ]
