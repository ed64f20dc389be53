/// The rooms of Pmem.Core and which may name which (docs/architecture.md): every file in a room may name the types
/// of the rooms below it and of its own room only; Pmem.FSharp names only public Core types and the internal types of
/// the Commit seam and Mapping. Checked on the source text: type names declared at the top level of each room's
/// files, matched as whole words in code (comments and string text skipped, interpolation holes kept).
module Pmem.Tests.ArchitectureTests

open System
open System.IO
open System.Text
open System.Text.RegularExpressions
open Expecto

/// Each room and the rooms it may name (besides its own). Root is src/Pmem.Core itself (PersistentMemory): the top.
let private rooms: (string * string list) list =
    let errors = [ "Errors"; "Interop" ]
    let facts = [ "Platform"; "Cpu" ] @ errors
    let config = [ "Config"; "Stubs" ] @ facts
    let engines = [ "Flush"; "Copy" ] @ config
    let mapping = "Mapping" :: engines
    let seam = "Commit" :: mapping

    [ "Interop", []
      "Errors", [ "Interop" ]
      "Platform", errors
      "Cpu", errors
      "Stubs", "Cpu" :: errors
      "Config", "Stubs" :: facts
      "Flush", config
      "Copy", "Flush" :: config
      "Mapping", engines
      "Device", mapping
      "Commit", mapping
      "Atomic", seam
      "Simulation", seam
      "Root", "Device" :: "Atomic" :: "Simulation" :: seam ]

/// Types a room may not name although its room is allowed: the engines get plain values from ResolvedConfig and
/// never read the options.
let private forbiddenTypes = [ "Flush", [ "PmemOptions" ]; "Copy", [ "PmemOptions" ]; "Stubs", [ "PmemOptions" ] ]

/// Rooms whose internal types Pmem.FSharp may name; of every other room it names only public types.
let private fsharpRooms = set [ "Commit"; "Mapping" ]

/// Rooms of which Pmem.FSharp names no type at all, public or not.
let private fsharpNever = set [ "Interop"; "Flush"; "Stubs" ]

/// The code of a C# or F# file without comments and string text: the holes of interpolated strings stay code.
let codeOnly (fsharp: bool) (text: string) =
    let code = StringBuilder(text.Length)
    // One entry per interpolated string being read: whether it is verbatim, and the brace depth of its open hole.
    let holes = Collections.Generic.Stack<bool * int ref>()
    let n = text.Length
    let at i = if i < n then text[i] else '\000'
    let mutable i = 0
    let mutable inString = false
    let mutable verbatim = false

    let skipTo (ending: string) (from: int) =
        let j = text.IndexOf(ending, from, StringComparison.Ordinal)
        if j < 0 then n else j + ending.Length

    while i < n do
        let c = text[i]

        if inString then
            if c = '\\' && not verbatim then
                i <- i + 2
            elif c = '"' && verbatim && at (i + 1) = '"' then
                i <- i + 2
            elif c = '"' then
                inString <- false
                code.Append ' ' |> ignore

                if holes.Count > 0 && (snd (holes.Peek())).Value = -1 then
                    holes.Pop() |> ignore

                i <- i + 1
            elif c = '{' && at (i + 1) = '{' then
                i <- i + 2
            elif c = '{' && holes.Count > 0 && (snd (holes.Peek())).Value = -1 then
                (snd (holes.Peek())).Value <- 0
                inString <- false
                code.Append ' ' |> ignore
                i <- i + 1
            else
                i <- i + 1
        elif c = '/' && at (i + 1) = '/' then
            i <- skipTo "\n" i
            code.Append '\n' |> ignore
        elif not fsharp && c = '/' && at (i + 1) = '*' then
            i <- skipTo "*/" (i + 2)
        elif fsharp && c = '(' && at (i + 1) = '*' && at (i + 2) <> ')' then
            i <- skipTo "*)" (i + 2)
        elif fsharp && c = '"' && at (i + 1) = '"' && at (i + 2) = '"' then
            i <- skipTo "\"\"\"" (i + 3)
            code.Append ' ' |> ignore
        elif c = '\'' && (at (i + 2) = '\'' || (at (i + 1) = '\\' && at (i + 3) = '\'')) then
            i <- if at (i + 1) = '\\' then i + 4 else i + 3
        elif c = '"' || ((c = '$' || c = '@') && (at (i + 1) = '"' || ((at (i + 1) = '$' || at (i + 1) = '@') && at (i + 2) = '"'))) then
            let quote = text.IndexOf('"', i)
            let prefix = text.Substring(i, quote - i)
            verbatim <- prefix.Contains '@'
            inString <- true

            if prefix.Contains '$' then
                holes.Push((verbatim, ref -1))

            i <- quote + 1
        elif holes.Count > 0 && (snd (holes.Peek())).Value >= 0 && (c = '{' || c = '}') then
            let depth = snd (holes.Peek())

            if c = '{' then
                depth.Value <- depth.Value + 1
            elif depth.Value = 0 then
                // The hole closes: back into the string it belongs to.
                depth.Value <- -1
                verbatim <- fst (holes.Peek())
                inString <- true
            else
                depth.Value <- depth.Value - 1

            code.Append ' ' |> ignore
            i <- i + 1
        else
            code.Append c |> ignore
            i <- i + 1

    code.ToString()

let private declaration =
    Regex(
        @"^(?:(?:public|internal|private|protected|static|sealed|abstract|partial|readonly|unsafe|ref|file)\s+)*(?:class|struct|enum|interface|record(?:\s+struct|\s+class)?)\s+([A-Z]\w*)",
        RegexOptions.Multiline
    )

let private word = Regex(@"\b[A-Z][A-Za-z0-9_]*\b")

/// A C# source file of Pmem.Core: its room, its code, and the top-level types it declares (name, public?).
type private CoreFile = { Path: string; Room: string; Code: string; Declares: (string * bool) list }

let private coreFiles (root: string) =
    let core = Path.Combine(root, "src", "Pmem.Core")

    Directory.EnumerateFiles(core, "*.cs", SearchOption.AllDirectories)
    |> Seq.map (fun path -> Path.GetRelativePath(core, path).Replace('\\', '/'), path)
    |> Seq.filter (fun (relative, _) -> not (relative.StartsWith "bin/" || relative.StartsWith "obj/"))
    |> Seq.map (fun (relative, path) ->
        let code = codeOnly false (File.ReadAllText path)

        let declares =
            [ for m in declaration.Matches code ->
                  m.Groups[1].Value, m.Value.Split([| ' '; '\t' |], StringSplitOptions.RemoveEmptyEntries) |> Array.contains "public" ]

        { Path = relative
          Room = (match relative.IndexOf '/' with
                  | -1 -> "Root"
                  | slash -> relative.Substring(0, slash))
          Code = code
          Declares = declares })
    |> Seq.toList

/// Type name -> the rooms that declare it (a partial type may live in two) and whether it is public.
let private typeIndex (files: CoreFile list) =
    files
    |> List.collect (fun f -> f.Declares |> List.map (fun (name, isPublic) -> name, (f.Room, isPublic)))
    |> List.groupBy fst
    |> List.map (fun (name, homes) -> name, (homes |> List.map (snd >> fst) |> set, homes |> List.exists (snd >> snd)))
    |> Map.ofList

let private names (code: string) =
    [ for m in word.Matches code -> m.Value ] |> set

/// "file: names T (room R)" for each reference against the arrows.
let coreViolations (root: string) =
    let files = coreFiles root
    let index = typeIndex files
    let allowed = Map.ofList rooms
    let forbidden = Map.ofList forbiddenTypes

    [ for f in files do
          match allowed.TryFind f.Room with
          | None -> yield $"{f.Path}: room '{f.Room}' has no rule in ArchitectureTests (add it below the rooms it names)"
          | Some may ->
              let may = set (f.Room :: may)

              for name in names f.Code do
                  match index.TryFind name with
                  | Some (homes, _) when not (homes.Contains f.Room) && Set.isEmpty (Set.intersect homes may) ->
                      let declaredIn = String.Join(", ", homes)
                      yield $"{f.Path} ({f.Room}) names {name} (declared in {declaredIn})"
                  | Some _ when (forbidden.TryFind f.Room |> Option.defaultValue []) |> List.contains name ->
                      yield $"{f.Path} ({f.Room}) names {name}: engines take plain values from ResolvedConfig"
                  | _ -> () ]

/// "file: names T" for each Core type Pmem.FSharp may not name.
let fsharpViolations (root: string) =
    let index = typeIndex (coreFiles root)
    let fsharp = Path.Combine(root, "src", "Pmem.FSharp")

    [ for path in Directory.EnumerateFiles(fsharp, "*.fs*", SearchOption.TopDirectoryOnly) do
          if path.EndsWith ".fs" || path.EndsWith ".fsi" then
              let code = codeOnly true (File.ReadAllText path)

              for name in names code do
                  match index.TryFind name with
                  | Some (homes, isPublic) when
                      not (Set.isEmpty (Set.intersect homes fsharpNever))
                      || (not isPublic && Set.isEmpty (Set.intersect homes fsharpRooms))
                      ->
                      let declaredIn = String.Join(", ", homes)
                      yield $"{Path.GetFileName path} names {name} (declared in {declaredIn})"
                  | _ -> () ]

let tests =
    testList
        "Architecture"
        [ test "the code scanner skips comments and string text and keeps interpolation holes" {
              let code = codeOnly false "A /* B */ \"C {D}\" $\"E {F(\"G\")} {{H}}\" @\"I\"\"J\" // K\n'\"' L"
              Expect.equal (names code) (set [ "A"; "F"; "L" ]) "C#"
              let fs = codeOnly true "A (* B *) \"C\" $\"D {E} F\" \"\"\"G\"\"\" // H\nI"
              Expect.equal (names fs) (set [ "A"; "E"; "I" ]) "F#"
          }

          test "every room of Pmem.Core is found and declares types" {
              let files = coreFiles (Repository.root ())
              let found = files |> List.map _.Room |> set

              for room, _ in rooms do
                  Expect.isTrue (found.Contains room) $"room {room} has files"

              for room in found do
                  Expect.isNonEmpty [ for f in files do if f.Room = room then yield! f.Declares ] $"{room} declares types"
          }

          test "no Core file names a type of a room it must not depend on" {
              let violations = coreViolations (Repository.root ())
              Expect.isEmpty violations (String.Join("\n", violations))
          }

          test "Pmem.FSharp names no Interop, Flush or Stubs type and no internal type outside Commit and Mapping" {
              let violations = fsharpViolations (Repository.root ())
              Expect.isEmpty violations (String.Join("\n", violations))
          } ]
