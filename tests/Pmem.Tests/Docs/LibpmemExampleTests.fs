/// The libpmem introduction's three programs as docs/examples/*.fsx scripts and as the C# examples project, run as the
/// docs say on temporary files; each copy is checked byte for byte, on both durability paths (msync on a disk file,
/// flush + drain on tmpfs with PMEM_IS_PMEM_FORCE=1). One fsi per script: Expecto runs them in parallel.
module Pmem.Tests.LibpmemExampleTests

open System.IO
open System.Text
open Expecto
open Pmem.Tests.TestDsl
open Pmem.Tests.Repository

/// Runs docs/examples/NAME.fsx with script arguments (against the Release build the script references).
let private fsx environment (name: string) (args: string list) =
    releaseOutput "src/Pmem.FSharp/bin/Release/net10.0/Pmem.FSharp.dll" |> ignore
    dotnet environment ([ "fsi"; "--quiet"; file $"docs/examples/{name}.fsx" ] @ args)

/// Runs the C# examples project's Release build.
let private csharp environment (args: string list) =
    dotnet environment (releaseOutput "docs/examples/csharp/bin/Release/net10.0/Pmem.Examples.dll" :: args)

let private notPmem = [ "PMEM_IS_PMEM_FORCE", "0" ]
let private forcedPmem = [ "PMEM_IS_PMEM_FORCE", "1" ]

let private expectOk (ran: Ran) (what: string) =
    Expect.equal ran.Code 0 $"{what} exits 0; stdout:\n{ran.Out}\nstderr:\n{ran.Err}"

/// manpage's file: 4 KiB, the string at its start, zeros after it.
let private expectManpageFile (path: string) =
    let expected = Array.zeroCreate<byte> 4096
    Encoding.UTF8.GetBytes("hello, persistent memory").CopyTo(expected, 0)
    expectSameBytes path expected "manpage's file"

/// A copy example run: makes the source, runs, checks the output's durability path and the copy.
let private copyCase run environment (dir: TempDir) (length: int) (path: string) =
    let source = randomFile (dir.File "source") length
    let destination = dir.File "copy"
    let ran: Ran = run environment [ dir.File "source"; destination ]
    expectOk ran "the example"
    Expect.stringContains ran.Out path "the durability path it took"
    expectSameBytes destination source "the copy"

let private scriptTests =
    [ testCase "manpage.fsx stores the string in a 4 KiB file and msyncs it (disk)"
      <| fun () ->
          use dir = diskDir ()
          let ran = fsx notPmem "manpage" [ dir.File "manpage.pmem" ]
          expectOk ran "manpage.fsx"
          Expect.stringContains ran.Out "made them durable with msync" "the non-pmem branch"
          expectManpageFile (dir.File "manpage.pmem")

      testCase "simple_copy.fsx copies with memcpy_persist (pmem, forced)"
      <| fun () ->
          use dir = shmDir ()
          copyCase (fun env args -> fsx env "simple_copy" args) forcedPmem dir 300007 "(memcpy_persist)"

      testCase "full_copy.fsx copies in 4 KiB no-drain blocks and drains once (pmem, forced)"
      <| fun () ->
          use dir = shmDir ()
          let length = 1048576 + 4096 + 13
          copyCase (fun env args -> fsx env "full_copy" args) forcedPmem dir length "(no-drain copies, one drain)"

      testCase "full_copy.fsx copies and msyncs once (disk); refuses an existing destination"
      <| fun () ->
          use dir = diskDir ()
          copyCase (fun env args -> fsx env "full_copy" args) notPmem dir 10037 "(copies, one msync)"
          let copy = File.ReadAllBytes(dir.File "copy")
          let again = fsx notPmem "full_copy" [ dir.File "source"; dir.File "copy" ]
          Expect.equal again.Code 1 "an existing destination is refused"
          Expect.stringContains again.Err "already exists" "why"
          expectSameBytes (dir.File "copy") copy "the existing destination is untouched" ]

let private csharpTests =
    [ testCase "C# quick start maps, stores durably and prints the report"
      <| fun () ->
          use dir = diskDir ()
          let ran = csharp [] [ "quickstart"; dir.File "quickstart.pmem" ]
          expectOk ran "the C# quick start"
          Expect.stringContains ran.Out "IsPmem=" "the mapping line"
          Expect.stringContains ran.Out "Pmem capabilities" "the report"
          let bytes = File.ReadAllBytes(dir.File "quickstart.pmem")
          Expect.equal (Encoding.UTF8.GetString(bytes, 0, 24)) "hello, persistent memory" "the message is in the file"

      testCase "C# source_range maps the second page read-only, reports its granularity and refuses a store"
      <| fun () ->
          use dir = diskDir ()
          let path = dir.File "range.pmem"
          let bytes = Array.init 8192 byte
          File.WriteAllBytes(path, bytes)
          let ran = csharp notPmem [ "source_range"; path ]
          expectOk ran "SourceRange.cs"
          Expect.stringContains ran.Out "Page: " "the msync path's granularity"
          Expect.stringContains ran.Out "read-only" "the refused store"
          Expect.equal (File.ReadAllBytes path) bytes "the file is unchanged"

      testCase "C# manpage (pmem, forced) persists the string"
      <| fun () ->
          use dir = shmDir ()
          let ran = csharp forcedPmem [ "manpage"; dir.File "manpage.pmem" ]
          expectOk ran "Manpage.cs"
          Expect.stringContains ran.Out "made them durable with flush + drain" "the pmem branch"
          expectManpageFile (dir.File "manpage.pmem")

      testCase "C# simple_copy (disk) copies byte for byte"
      <| fun () ->
          use dir = diskDir ()
          copyCase (fun env args -> csharp env ("simple_copy" :: args)) notPmem dir 65599 "(memcpy + msync)"

      testCase "C# full_copy copies byte for byte on pmem (forced) and on disk"
      <| fun () ->
          do
              use dir = shmDir ()
              let fullCopy env args = csharp env ("full_copy" :: args)
              copyCase fullCopy forcedPmem dir 20000 "(no-drain copies, one drain)"

          use dir = diskDir ()
          copyCase (fun env args -> csharp env ("full_copy" :: args)) notPmem dir 4096 "(copies, one msync)" ]

let tests = testList "libpmem examples" (scriptTests @ csharpTests)
