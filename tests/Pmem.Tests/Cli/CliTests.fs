/// The pmem command-line tool, run as users run it (the Release build of src/Pmem.Cli): its report, its copy (byte for
/// byte, both durability paths), and its exit codes for bad arguments, missing files, existing destinations, a full
/// file system and permission errors.
module Pmem.Tests.CliTests

open System
open System.IO
open Expecto
open Pmem
open Pmem.Tests.TestDsl
open Pmem.Tests.Repository

let private pmemDll () = releaseOutput "src/Pmem.Cli/bin/Release/net10.0/pmem.dll"

/// Runs `pmem args` with extra environment variables.
let private pmemWith environment (args: string list) = dotnet environment (pmemDll () :: args)

let private pmem args = pmemWith [] args

let private expectCode (ran: Ran) (code: int) (what: string) =
    Expect.equal ran.Code code $"{what}: exit code; stdout:\n{ran.Out}\nstderr:\n{ran.Err}"

let private reportTests =
    [ testCase "info prints the capability report of the options in force"
      <| fun () ->
          let ran = pmem [ "info" ]
          expectCode ran 0 "pmem info"
          let current = PmemCapabilities.Current

          for expected in
              [ "flush"; string current.Flush; "drain"; current.Fence; "copy path"; string current.CopyIsa ] do
              Expect.stringContains ran.Out expected "the report names each choice"

      testCase "info shows an environment override and the reason it gives"
      <| fun () ->
          let ran = pmemWith [ "PMEM_MOVNT_THRESHOLD", "1234" ] [ "info" ]
          expectCode ran 0 "pmem info"
          Expect.stringContains ran.Out "1234 B" "the threshold in force"
          Expect.stringContains ran.Out "set by PMEM_MOVNT_THRESHOLD" "why"

      testCase "info FILE says whether the file maps as pmem, and why, as the library decides"
      <| fun () ->
          use dir = diskDir ()
          let path = dir.File "info.pmem"
          randomFile path 8192 |> ignore
          let ran = pmem [ "info"; path ]
          expectCode ran 0 "pmem info FILE"
          use mapping = PmemFile.Map path
          let verdict = if mapping.IsPmem then "maps as persistent memory" else "does not map as persistent memory"
          Expect.stringContains ran.Out $"{path} {verdict}" "the verdict"
          Expect.stringContains ran.Out mapping.IsPmemReason "the reason"
          Expect.stringContains ran.Out "8192 bytes" "the length"

      testCase "info FILE under PMEM_IS_PMEM_FORCE=1 reports pmem"
      <| fun () ->
          use dir = shmDir ()
          let path = dir.File "forced.pmem"
          randomFile path 4096 |> ignore
          let ran = pmemWith [ "PMEM_IS_PMEM_FORCE", "1" ] [ "info"; path ]
          expectCode ran 0 "pmem info FILE"
          Expect.stringContains ran.Out $"{path} maps as persistent memory" "the verdict"

      testCase "info of a missing file exits 3 and prints no report"
      <| fun () ->
          use dir = diskDir ()
          let ran = pmem [ "info"; dir.File "missing.pmem" ]
          expectCode ran 3 "pmem info MISSING"
          Expect.stringContains ran.Err "no such file" "the error"
          Expect.equal ran.Out "" "nothing on standard output"

      testCase "demo writes, persists, remaps and reads back"
      <| fun () ->
          let ran = pmem [ "demo" ]
          expectCode ran 0 "pmem demo"
          Expect.stringContains ran.Out "Read back:    Hello from Pmem" "the message read back" ]

let private copyTests =
    [ testCase "copy on a disk file: byte for byte, one msync, a throughput line"
      <| fun () ->
          use dir = diskDir ()
          let source = randomFile (dir.File "source.bin") (3 * 1048576 + 5)
          let destination = dir.File "copy.bin"
          let ran = pmemWith [ "PMEM_IS_PMEM_FORCE", "0" ] [ "copy"; dir.File "source.bin"; destination ]
          expectCode ran 0 "pmem copy"
          expectSameBytes destination source "the copy"
          Expect.stringContains ran.Out $"Copied {source.Length} bytes" "the throughput line"
          Expect.stringContains ran.Out "/s; plain copies, one msync" "the durability path"

      testCase "copy on pmem (forced, tmpfs): byte for byte, no-drain copies and one drain"
      <| fun () ->
          use dir = shmDir ()
          let source = randomFile (dir.File "source.bin") (1048576 + 4096 + 63)
          let destination = dir.File "copy.bin"
          let ran = pmemWith [ "PMEM_IS_PMEM_FORCE", "1" ] [ "copy"; dir.File "source.bin"; destination ]
          expectCode ran 0 "pmem copy"
          expectSameBytes destination source "the copy"
          Expect.stringContains ran.Out "/s; non-temporal copies, one drain" "the durability path"

      testCase "copy of an empty file creates an empty file"
      <| fun () ->
          use dir = diskDir ()
          File.WriteAllBytes(dir.File "empty", [||])
          let ran = pmem [ "copy"; dir.File "empty"; dir.File "copy" ]
          expectCode ran 0 "pmem copy EMPTY"
          expectSameBytes (dir.File "copy") [||] "the copy"

      testCase "copy of a missing source exits 3 and creates nothing"
      <| fun () ->
          use dir = diskDir ()
          let ran = pmem [ "copy"; dir.File "missing"; dir.File "copy" ]
          expectCode ran 3 "pmem copy MISSING DST"
          Expect.stringContains ran.Err "no such file" "the error"
          Expect.isFalse (File.Exists(dir.File "copy")) "no destination"

      testCase "copy into a missing directory exits 3"
      <| fun () ->
          use dir = diskDir ()
          randomFile (dir.File "source") 100 |> ignore
          let ran = pmem [ "copy"; dir.File "source"; dir.File "no/such/dir/copy" ]
          expectCode ran 3 "pmem copy SRC MISSING/DST"

      testCase "copy onto an existing file exits 4 and leaves it as it was"
      <| fun () ->
          use dir = diskDir ()
          randomFile (dir.File "source") 5000 |> ignore
          let existing = randomFile (dir.File "existing") 100
          let ran = pmem [ "copy"; dir.File "source"; dir.File "existing" ]
          expectCode ran 4 "pmem copy SRC EXISTING"
          expectSameBytes (dir.File "existing") existing "the existing file"

      testCase "copy that the file system has no room for exits 5 and leaves no file"
      <| fun () ->
          match tryFindOnPath "bash" with
          | None -> skip "needs bash to set a file-size limit"
          | Some bash ->
              use dir = diskDir ()
              randomFile (dir.File "source") (2 * 1048576) |> ignore
              let destination = dir.File "copy"
              // A 1 MiB file-size limit (RLIMIT_FSIZE) makes allocating the 2 MiB destination fail with EFBIG, which
              // pmem reports as a full disk does (ENOSPC). SIGXFSZ is ignored so the call fails instead of killing the
              // process; W^X is off because the runtime's double-mapped code heap is a file the limit would refuse.
              let script = "trap '' XFSZ; ulimit -f 1024; exec dotnet \"$0\" copy \"$1\" \"$2\""

              let ran =
                  runWith
                      [ "DOTNET_EnableWriteXorExecute", "0" ]
                      (TimeSpan.FromMinutes 1.0)
                      bash
                      [ "-c"; script; pmemDll (); dir.File "source"; destination ]

              expectCode ran 5 "pmem copy past the file-size limit"
              Expect.stringContains ran.Err "no space" "the error"
              Expect.isFalse (File.Exists destination) "no destination left behind"

      testCase "copy where creating the file is not permitted exits 6"
      <| fun () ->
          if not (Directory.Exists "/sys/kernel") then
              skip "needs sysfs, where no one may create files"

          use dir = diskDir ()
          randomFile (dir.File "source") 100 |> ignore
          let ran = pmem [ "copy"; dir.File "source"; $"/sys/pmem-test-{Guid.NewGuid():N}" ]
          expectCode ran 6 "pmem copy SRC /sys/NEW" ]

let private benchTests =
    [ testCase "the benchmark harness (the build script's Bench target) --quick --no-peer --output DIR writes the CSV and perf.md"
      <| fun () ->
          let harness = releaseOutput "bench/Pmem.Bench/bin/Release/net10.0/Pmem.Bench.dll"
          use dir = diskDir ()
          let output = dir.File "results"
          let ran = dotnet [] [ harness; "--quick"; "--no-peer"; "--filter"; "msync"; "--output"; output ]
          expectCode ran 0 "Pmem.Bench --quick --no-peer"
          Expect.stringContains ran.Out "WARNING" "it says the peer is missing"
          let csv = File.ReadAllLines(Path.Combine(output, "quick.csv"))
          Expect.stringStarts csv.[0] "operation,size_bytes,implementation,ns_per_op,gb_per_s" "the CSV header"
          Expect.exists csv (fun l -> l.StartsWith "msync_ext4_cold,4096,Pmem C#,") "a Pmem row for the filtered operation"
          Expect.isFalse (csv |> Array.exists (fun l -> l.StartsWith "memcpy")) "the filter left other operations out"
          Expect.stringContains (File.ReadAllText(Path.Combine(output, "perf.md"))) "MISSING" "the report says the peer is missing"

      testCase "bench is not a pmem command (the benchmark is the build script's target): exits 2"
      <| fun () ->
          use dir = diskDir ()
          let ran = runIn (Some dir.Path) [] (TimeSpan.FromMinutes 1.0) "dotnet" [ pmemDll (); "bench"; "--quick" ]
          expectCode ran 2 "pmem bench"
          Expect.stringContains ran.Err "USAGE: pmem" "the usage" ]

let private argumentTests =
    [ for args, what in
          [ [], "no command"
            [ "info"; "--frobnicate" ], "info with an unknown option"
            [ "frobnicate" ], "an unknown command"
            [ "copy"; "only-one" ], "copy with one file"
            [ "copy"; "a"; "b"; "c" ], "copy with three files"
            [ "--frobnicate"; "info" ], "an unknown option" ] do
          testCase $"{what} exits 2 with usage on standard error"
          <| fun () ->
              let ran = pmem args
              expectCode ran 2 what
              Expect.stringContains ran.Err "USAGE: pmem" "the usage"

      testCase "a directory given as the source exits 2"
      <| fun () ->
          use dir = diskDir ()
          let ran = pmem [ "copy"; dir.Path; dir.File "copy" ]
          expectCode ran 2 "pmem copy DIR DST"

      testCase "--help lists the commands and every exit code, and exits 0"
      <| fun () ->
          let ran = pmem [ "--help" ]
          expectCode ran 0 "pmem --help"

          for line in
              [ "info"
                "copy"
                "demo"
                "EXIT CODES:"
                "0  success"
                "2  bad arguments"
                "3  a file or directory does not exist"
                "5  no space left" ] do
              Expect.stringContains ran.Out line "the help text"

          Expect.isFalse (ran.Out.Contains "bench") "no bench command" ]

let tests = testList "pmem CLI" (reportTests @ copyTests @ benchTests @ argumentTests)
