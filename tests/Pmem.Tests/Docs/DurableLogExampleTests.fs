/// docs/examples/durable_log.fsx runs as documented (scripts rot unless run): against the Release assemblies. And the
/// code shown in README.md, docs/*.md and the packages' READMEs is copied from the examples the tests run.
module Pmem.Tests.DurableLogExampleTests

open System
open System.IO
open Expecto
open Pmem.Tests.TestDsl
open Pmem.Tests.Repository

/// The trimmed, non-empty lines of the ```LANGUAGE blocks of a markdown file.
let private codeLines (language: string) (markdown: string) =
    markdown.Split($"```{language}\n").[1..]
    |> Array.collect (fun block -> block.Substring(0, block.IndexOf "```").Split('\n'))
    |> Array.map _.Trim()
    |> Array.filter ((<>) "")

/// The tested code a document's blocks must come from, by language.
let private testedSources =
    [ "fsharp",
      [ "durable_log"; "getting_started"; "manpage"; "simple_copy"; "full_copy" ]
      |> List.map (fun name -> $"docs/examples/{name}.fsx")
      "csharp",
      [ "QuickStart"; "Manpage"; "SimpleCopy"; "FullCopy"; "SourceRange" ]
      |> List.map (fun name -> $"docs/examples/csharp/{name}.cs") ]

/// The documents whose F# and C# code blocks are checked, with test names free of Expecto's '.' and '/' separators.
let private documents =
    [ "README", "README.md"
      "getting started guide", "docs/getting-started.md"
      "examples page", "docs/examples.md"
      "Core package README", "src/Pmem.Core/PACKAGE.md"
      "FSharp package README", "src/Pmem.FSharp/PACKAGE.md" ]

let tests =
    testList
        "examples"
        [ testCase "durable_log.fsx appends, reopens and reads back its records"
          <| fun () ->
              releaseOutput "src/Pmem.FSharp/bin/Release/net10.0/Pmem.FSharp.dll" |> ignore
              let code, output = run "dotnet" [ "fsi"; "--quiet"; file "docs/examples/durable_log.fsx" ]
              Expect.equal code 0 $"the script exits 0; it printed:\n{output}"

              for line in
                  [ "1 barrier, 1 read"
                    "(int64 26)"
                    "appended 3 records"
                    "appended 1 record"
                    "read back 4 records: alpha, beta, gamma, delta" ] do
                  Expect.stringContains output line "the script's output"

          testCase "README's F# quick start is durable_log.fsx's code"
          <| fun () ->
              let script = File.ReadAllLines(file "docs/examples/durable_log.fsx") |> Array.map _.Trim()
              let readme = File.ReadAllText(file "README.md")
              let section = readme.Substring(readme.IndexOf "## F# quick start")
              let lines = codeLines "fsharp" (section.Substring(0, section.IndexOf("\n## ", 1)))
              Expect.isNonEmpty lines "the section has F# code"

              for line in lines do
                  Expect.contains script line "each line of the F# quick start is in durable_log.fsx"

          for name, document in documents do
              testCase $"{name}: every F# and C# code line is in a tested example"
              <| fun () ->
                  let markdown = File.ReadAllText(file document).Replace("\r\n", "\n")
                  let mutable checkedLines = 0

                  for language, sources in testedSources do
                      let tested =
                          sources
                          |> List.toArray
                          |> Array.collect (file >> File.ReadAllLines)
                          |> Array.map _.Trim()
                          |> Set.ofArray
                          // getting-started's F# Interactive blocks are run as written by DocSnippetTests.
                          |> Set.union (
                              if language = "fsharp" then
                                  DocSnippetTests.gettingStartedBlocks ()
                                  |> Seq.collect _.Split('\n')
                                  |> Seq.map _.Trim()
                                  |> Set.ofSeq
                              else
                                  Set.empty
                          )

                      for line in codeLines language markdown do
                          checkedLines <- checkedLines + 1
                          let why = $"{document}: this {language} line is not in a tested example: {line}"
                          Expect.isTrue (tested.Contains line) why

                  Expect.isGreaterThan checkedLines 0 $"{document} shows code" ]
