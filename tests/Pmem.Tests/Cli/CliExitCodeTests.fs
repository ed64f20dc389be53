/// One documented exit code per situation (issue 17, item 6): every row of the exit-code table in
/// docs/getting-started.md and of `pmem --help` is provoked here and must give its code; a code listed in one place
/// and not the others, or a situation giving another code, fails. Also: usage lines on usage errors, `--version`,
/// `-h`, the blamed argument, plain tables when the output is not a UTF-8 terminal, and the Test target's plain
/// summary line.
module Pmem.Tests.CliExitCodeTests

open System
open System.IO
open System.Text.RegularExpressions
open Expecto
open Pmem.Tests.TestDsl
open Pmem.Tests.Repository
open Pmem.Tests.CliCopyStagingTests

let private pmemIn (environment: (string * string) list) (args: string list) =
    dotnet environment (pmemDll () :: args)

let private pmem args = pmemIn [] args

/// Runs pmem as the user nobody (setpriv; root only, skipped otherwise), with its home in dir.
let private pmemAsNobody (dir: TempDir) (args: string list) =
    match tryFindOnPath "setpriv" with
    | _ when Native.geteuid () <> 0u -> skip "needs root to run pmem as nobody"
    | None -> skip "needs setpriv to run pmem as nobody"
    | Some setpriv ->
        let asNobody = [ "--reuid=65534"; "--regid=65534"; "--clear-groups"; "dotnet"; pmemDll () ] @ args
        runWith [ "HOME", dir.Path; "DOTNET_CLI_HOME", dir.Path ] (TimeSpan.FromMinutes 1.0) setpriv asNobody

/// A situation, the code it must give, and how to make it happen in a fresh temporary directory.
type private Situation = { What: string; Code: int; Run: TempDir -> int }

let private copyCode (_: TempDir) (source: string) (destination: string) =
    let ran = pmem [ "copy"; source; destination ]
    ran.Code

let private situations: Situation list =
    let withSource (dir: TempDir) =
        randomFile (dir.File "src") 5000 |> ignore
        dir.File "src"

    [ { What = "copy to a new file"; Code = 0; Run = fun dir -> copyCode dir (withSource dir) (dir.File "dst") }
      { What = "info of a file Pmem cannot map (/dev/null)"; Code = 1; Run = fun _ -> (pmem [ "info"; "/dev/null" ]).Code }
      { What = "an unknown option before two files"; Code = 2; Run = fun dir -> (pmem [ "--bogus"; withSource dir; dir.File "d" ]).Code }
      { What = "info with two paths"; Code = 2; Run = fun dir -> (pmem [ "info"; withSource dir; dir.File "d" ]).Code }
      { What = "an empty source path"; Code = 2; Run = fun dir -> copyCode dir "" (dir.File "dst") }
      { What = "a directory as the source"; Code = 2; Run = fun dir -> copyCode dir dir.Path (dir.File "dst") }
      { What = "a new destination ending in '/'"; Code = 2; Run = fun dir -> copyCode dir (withSource dir) (dir.File "new/") }
      { What = "a missing source"; Code = 3; Run = fun dir -> copyCode dir (dir.File "missing") (dir.File "dst") }
      { What = "a destination in a missing directory"; Code = 3; Run = fun dir -> copyCode dir (withSource dir) (dir.File "no/dst") }
      { What = "an existing destination file"; Code = 4; Run = fun dir -> copyCode dir (withSource dir) (withSource dir) }
      { What = "an existing directory as the destination"; Code = 4; Run = fun dir -> copyCode dir (withSource dir) dir.Path }
      { What = "the same with a trailing '/'"; Code = 4; Run = fun dir -> copyCode dir (withSource dir) (dir.Path + "/") }
      { What = "a copy past the file-size limit"; Code = 5; Run = fun _ -> (let code, _, _ = limitedCopy () in code) }
      { What = "a destination where no one may create files (/sys)"
        Code = 6
        Run =
          fun dir ->
              if not (Directory.Exists "/sys/kernel") then skip "needs sysfs"
              copyCode dir (withSource dir) $"/sys/pmem-test-{Guid.NewGuid():N}" }
      { What = "a copy stopped by SIGINT"; Code = 130; Run = fun _ -> interruptedCode "INT" }
      { What = "a copy stopped by SIGTERM"; Code = 143; Run = fun _ -> interruptedCode "TERM" } ]

/// The codes of the table under "| Exit code | Meaning |" in docs/getting-started.md.
let private documentedCodes () =
    File.ReadAllLines(file "docs/getting-started.md")
    |> Array.skipWhile (fun line -> not (line.StartsWith "| Exit code |"))
    |> Array.skip 2
    |> Array.takeWhile (fun line -> line.StartsWith "|")
    |> Array.map (fun line -> int (line.Split('|').[1].Trim()))
    |> Set.ofArray

/// The codes `pmem --help` lists under EXIT CODES.
let private helpCodes () =
    let ran = pmem [ "--help" ]
    Expect.equal ran.Code 0 "pmem --help exits 0"

    ran.Out.Split('\n')
    |> Array.skipWhile (fun line -> not (line.StartsWith "EXIT CODES:"))
    |> Array.skip 1
    |> Array.choose (fun line ->
        let m = Regex.Match(line, @"^\s+(\d+)\s\s")
        if m.Success then Some(int m.Groups[1].Value) else None)
    |> Set.ofArray

let private tableTests =
    [ testCase "getting-started's exit-code table, pmem --help and the situations below list the same codes"
      <| fun () ->
          let situated = situations |> List.map _.Code |> Set.ofList
          Expect.equal (documentedCodes ()) situated "docs/getting-started.md's table"
          Expect.equal (helpCodes ()) situated "pmem --help"

      for situation in situations do
          testCase $"exit code {situation.Code}: {situation.What}"
          <| fun () ->
              use dir = diskDir ()
              Expect.equal (situation.Run dir) situation.Code situation.What ]

let private usageTests =
    [ testCase "an unknown option is the argument blamed, with the usage line"
      <| fun () ->
          let ran = pmem [ "copy"; "--bogus"; "src"; "dst" ]
          Expect.stringContains ran.Err "unknown option '--bogus'" "blames the option"
          Expect.isFalse (ran.Err.Contains "'dst'") "does not blame dst"
          Expect.stringContains ran.Err "USAGE: pmem copy" "the usage line"

      testCase "usage errors found after parsing print the usage line too; an empty path is named as such"
      <| fun () ->
          use dir = diskDir ()
          let ran = pmem [ "copy"; ""; dir.File "dst" ]
          Expect.stringContains ran.Err "source path is empty" "the error"
          Expect.stringContains ran.Err "USAGE: pmem copy" "the usage line"
          let ran = pmem [ "copy"; dir.Path; dir.File "dst" ]
          Expect.stringContains ran.Err "USAGE: pmem copy" "the usage line for a directory source"

      testCase "--version and -V print the version; -h prints the help"
      <| fun () ->
          let version =
              Xml.Linq.XDocument.Load(file "Directory.Build.props").Descendants(Xml.Linq.XName.Get "VersionPrefix")
              |> Seq.exactlyOne
              |> _.Value

          for flag in [ "--version"; "-V" ] do
              let ran = pmem [ flag ]
              Expect.equal ran.Code 0 $"{flag} exits 0"
              Expect.stringStarts ran.Out $"pmem {version}" $"{flag} prints the version"

          for args in [ [ "-h" ]; [ "copy"; "-h" ] ] do
              let ran = pmem args
              Expect.equal ran.Code 0 "-h exits 0"
              Expect.stringContains ran.Out "USAGE: pmem" "-h prints the usage"

      testCase "tables are ASCII when the output is not a terminal; the demo does not print the report"
      <| fun () ->
          let ran = pmemIn [ "LANG", "C.UTF-8" ] [ "info" ]
          Expect.equal ran.Code 0 "pmem info"
          Expect.isFalse (Regex.IsMatch(ran.Out, "[\u2500-\u257F]")) $"no box-drawing characters:\n{ran.Out}"
          let demo = pmem [ "demo" ]
          Expect.isFalse (demo.Out.Contains "Pmem capabilities") "the report is pmem info's"

      testCase "info of a file this user may read but not write exits 0 with the report (it writes nothing)"
      <| fun () ->
          use dir = diskDir ()
          let path = dir.File "readonly.pmem"
          randomFile path 8192 |> ignore
          // Explicit modes: another test may have a narrow umask in force while these are created.
          File.SetUnixFileMode(dir.Path, enum<UnixFileMode> 0o755)
          File.SetUnixFileMode(path, enum<UnixFileMode> 0o644)
          let ran = pmemAsNobody dir [ "info"; path ]
          Expect.equal ran.Code 0 $"pmem info READ-ONLY; stderr:\n{ran.Err}"
          Expect.stringContains ran.Out "flushes issued" "the report"
          Expect.stringContains ran.Out "readable but not writable" "what it can say about the file"

      testCase "copy of a source this user may not read exits 6 with a plain message, not .NET's"
      <| fun () ->
          use dir = diskDir ()
          let secret = dir.File "secret"
          randomFile secret 100 |> ignore
          File.SetUnixFileMode(dir.Path, enum<UnixFileMode> 0o777) // nobody may traverse and write the copy
          File.SetUnixFileMode(secret, UnixFileMode.UserRead ||| UnixFileMode.UserWrite)
          let ran = pmemAsNobody dir [ "copy"; secret; dir.File "dst" ]
          Expect.equal ran.Code 6 $"pmem copy UNREADABLE; stderr:\n{ran.Err}"
          Expect.stringContains ran.Err $"{secret}: permission denied (it cannot be read)" "the message"
          Expect.isFalse (ran.Err.Contains "Access to the path") "not the raw .NET message"

      testCase "error messages name no C# flags and no raw .NET messages"
      <| fun () ->
          use dir = diskDir ()
          File.WriteAllBytes(dir.File "empty", [||])

          for args in [ [ "info"; dir.File "empty" ]; [ "copy"; "/dev/null"; dir.File "dst" ] ] do
              let ran = pmem args
              Expect.isFalse (ran.Err.Contains "PmemFileFlags") $"no C# flags: {ran.Err}"
              Expect.isFalse (ran.Err.Contains "Access to the path") $"no raw .NET message: {ran.Err}" ]

let private summaryTests =
    [ testCase "the test runner ends with a plain 'N passed, N failed, N skipped' line (no escape codes, no padding)"
      <| fun () ->
          let tests = releaseOutput "tests/Pmem.Tests/bin/Release/net10.0/Pmem.Tests.dll"
          let filter = "createOrResize (and create) keep libpmem's truncating behaviour"
          let ran = dotnet [] [ tests; "--colours"; "0"; "--no-spinner"; "--filter-test-case"; filter ]
          Expect.equal ran.Code 0 $"the run passes:\n{ran.Out}{ran.Err}"
          let lines = ran.Out.Split('\n') |> Array.filter (fun line -> line.Contains " passed, ")
          Expect.contains lines "1 passed, 0 failed, 0 skipped" $"the plain summary line:\n{ran.Out}" ]

let tests = testList "pmem exit codes" (tableTests @ usageTests @ summaryTests)
