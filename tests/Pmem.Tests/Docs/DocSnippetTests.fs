/// docs/getting-started.md's F# Interactive section runs as written (issue 17, item 8): its fsharp code blocks, in
/// order, make one script; only the two package lines (`#i "nuget: <clone>/artifacts"`, `#r "nuget: Pmem.FSharp, …"`)
/// are replaced by references to the Release build, since the package route itself is PackageTests' job.
module Pmem.Tests.DocSnippetTests

open System
open System.IO
open System.Text.RegularExpressions
open Expecto
open Pmem.Tests.TestDsl
open Pmem.Tests.Repository

/// The fsharp blocks of the markdown between the headings that start with <paramref name="from"/> and
/// <paramref name="until"/>.
let fsharpBlocks (markdown: string) (from: string) (until: string) =
    let start = markdown.IndexOf(from, StringComparison.Ordinal)
    let stop = markdown.IndexOf(until, start + 1, StringComparison.Ordinal)
    Expect.isTrue (start >= 0 && stop > start) $"the section {from} exists"

    Regex.Matches(markdown.Substring(start, stop - start), "```fsharp\n(.*?)```", RegexOptions.Singleline)
    |> Seq.map _.Groups[1].Value
    |> List.ofSeq

/// The fsharp blocks of getting-started's F# Interactive section, which the test below runs.
let gettingStartedBlocks () =
    fsharpBlocks (File.ReadAllText(file "docs/getting-started.md")) "## 1." "## 2."

let tests =
    testList
        "doc snippets"
        [ testCase "getting-started's F# Interactive blocks run as one script, as written"
          <| fun () ->
              let core = releaseOutput "src/Pmem.FSharp/bin/Release/net10.0/Pmem.Core.dll"
              let fsharp = releaseOutput "src/Pmem.FSharp/bin/Release/net10.0/Pmem.FSharp.dll"
              let blocks = gettingStartedBlocks ()
              Expect.isGreaterThanOrEqual blocks.Length 5 "the section's blocks"
              let packageLines = [ "#i \"nuget: <clone>/artifacts\""; "#r \"nuget: Pmem.FSharp, 0.1.0\"" ]
              let first = blocks.Head

              for line in packageLines do
                  Expect.stringContains first line "the first block references the package"

              let references = $"#r \"{core}\"\n#r \"{fsharp}\""
              let first = first.Replace(packageLines[0] + "\n" + packageLines[1], references)
              let script = String.Join("\n", first :: blocks.Tail)
              use dir = diskDir ()
              let path = dir.File "getting_started_snippets.fsx"
              File.WriteAllText(path, script)
              let ran = dotnet [ "TMPDIR", dir.Path ] [ "fsi"; "--quiet"; path ]
              Expect.equal ran.Code 0 $"the snippets run; stdout:\n{ran.Out}\nstderr:\n{ran.Err}"

              for line in [ "Pmem capabilities"; "mapped "; "committed: 24 bytes published"; "read back: hello, persistent memory" ] do
                  Expect.stringContains ran.Out line "the output"

              Expect.isFalse (File.Exists(Path.Combine(dir.Path, "getting-started.pmem"))) "the snippets remove their file" ]
