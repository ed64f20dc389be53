/// The migration path from the module's former name (issue 18, item 4): code written as `Pmem.mapFile …` before the
/// module became `Mapping` still compiles, with an obsolete warning naming the new function, and does the same thing;
/// and the former name no longer hides the namespace Pmem (`open Pmem` after `open Pmem.FSharp` used to fail).
module Pmem.Tests.ObsoletePmemTests

// The calls to the obsolete names below are the point of these tests.
#nowarn "44"

open System
open System.IO
open System.Reflection
open Expecto
open Pmem
open Pmem.FSharp
open Pmem.Tests.TestDsl
open Pmem.Tests.Repository

/// The public functions of the module Mapping, by name.
let private mappingFunctions () =
    let mapping = typeof<MapOptions>.Assembly.GetType("Pmem.FSharp.Mapping", true)

    mapping.GetMethods(BindingFlags.Public ||| BindingFlags.Static)
    |> Array.map _.Name
    |> Set.ofArray

/// A script written against the former module, as README and the docs showed it; <c>opens</c> are its open lines.
let private oldScript (core: string) (fsharp: string) (opens: string) (path: string) =
    String.Join(
        "\n",
        [ $"#r \"{core}\""
          $"#r \"{fsharp}\""
          opens
          $"let path = @\"{path}\""
          "let mapping = path |> Pmem.mapFile (MapOptions.create 4096L)"
          "mapping |> Pmem.copy 0L \"old code\"B"
          "mapping |> Pmem.persist 0L 8L"
          "match Pmem.tryRead 0L 8L mapping with"
          "| Ok bytes -> printfn \"read back: %s\" (System.Text.Encoding.ASCII.GetString bytes)"
          "| Error e -> eprintfn \"%s\" (PmemError.describe e); exit 1"
          "mapping.Dispose()" ]
    )

let tests =
    testList
        "Pmem (former module name)"
        [ testCase "every function of Mapping is a member of the obsolete Pmem class, whose warning names it"
          <| fun () ->
              let members =
                  typeof<Pmem>.GetMethods(BindingFlags.Public ||| BindingFlags.Static ||| BindingFlags.DeclaredOnly)

              Set.ofArray (members |> Array.map _.Name) =! mappingFunctions ()

              for m in members do
                  match m.GetCustomAttribute<ObsoleteAttribute>() with
                  | null -> failtestf "Pmem.%s is not marked obsolete" m.Name
                  | attribute -> Expect.stringContains attribute.Message $"Mapping.{m.Name}" "the warning names the new function"

          testCase "old calls do what the Mapping functions do"
          <| fun () ->
              use dir = diskDir ()
              let path = dir.File "old.pmem"

              do
                  use mapping = path |> Pmem.mapFile (MapOptions.create 8192L)
                  Pmem.copy 10L [| 1uy; 2uy; 3uy |] mapping
                  mapping |> Pmem.fill 100L 7uy 50L
                  mapping |> Pmem.persist 0L 8192L
                  Pmem.tryDrain mapping =! Ok()
                  Pmem.isPmem mapping =! Mapping.isPmem mapping

              use again = path |> Mapping.mapFile MapOptions.existing
              Pmem.read 10L 3L again =! Mapping.read 10L 3L again
              Mapping.read 100L 50L again =! Array.create 50 7uy
              Pmem.tryMapFile MapOptions.existing (dir.File "none") =! Mapping.tryMapFile MapOptions.existing (dir.File "none")
              (Pmem.capabilities ()).ToString() =! (Mapping.capabilities ()).ToString()

          testCase "a script written for the former module runs, with obsolete warnings, in either order of its opens"
          <| fun () ->
              let core = releaseOutput "src/Pmem.FSharp/bin/Release/net10.0/Pmem.Core.dll"
              let fsharp = releaseOutput "src/Pmem.FSharp/bin/Release/net10.0/Pmem.FSharp.dll"
              use dir = diskDir ()

              for opens in [ "open Pmem.FSharp"; "open Pmem\nopen Pmem.FSharp"; "open Pmem.FSharp\nopen Pmem" ] do
                  let script = dir.File "old_style.fsx"
                  let path = dir.File "old_style.pmem"
                  File.WriteAllText(script, oldScript core fsharp opens path)
                  let ran = dotnet [ "TMPDIR", dir.Path ] [ "fsi"; "--quiet"; script ]
                  let what = $"with {opens.Replace('\n', ';')}: stdout:\n{ran.Out}\nstderr:\n{ran.Err}"
                  Expect.equal ran.Code 0 $"the old script runs {what}"
                  Expect.stringContains ran.Out "read back: old code" $"its output {what}"
                  Expect.stringContains ran.Err "Pmem.mapFile is now Mapping.mapFile" $"the warning {what}"
                  Expect.isFalse (ran.Err.Contains "error") $"no errors {what}"
                  File.Delete path ]
