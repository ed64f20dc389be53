/// `pmem copy` leaves a destination whole or not at all (issue 13, item 7): a copy stopped by SIGINT or SIGTERM and a
/// copy past the file-size limit (`ulimit -f`, with SIGXFSZ at its default: the tool ignores it itself) leave neither
/// the destination nor the temporary file it writes first.
module Pmem.Tests.CliCopyStagingTests

open System
open System.Diagnostics
open System.IO
open System.Threading
open Expecto
open Pmem.Tests.TestDsl
open Pmem.Tests.Repository

let pmemDll () = releaseOutput "src/Pmem.Cli/bin/Release/net10.0/pmem.dll"

/// A sparse source of that many bytes (reads as zeros; nothing to write up front).
let sparseSource (path: string) (length: int64) =
    use file = new FileStream(path, FileMode.CreateNew)
    file.SetLength length

/// Every entry of the directory except the sources the test made.
let private leftOver (dir: TempDir) (sources: string list) =
    Directory.GetFileSystemEntries dir.Path
    |> Array.map Path.GetFileName
    |> Array.filter (fun name -> not (List.contains name sources))
    |> Array.sort

/// The temporary file a running copy to <c>dst</c> writes, once it exists.
let private temporaryOf (dir: TempDir) =
    Directory.GetFiles(dir.Path, ".dst.pmem-copy-*") |> Array.tryHead

/// Whether this process ignores <paramref name="number"/> (SigIgn in /proc/self/status): a process started in the
/// background by a non-interactive shell ignores SIGINT, and so does every child it starts, as POSIX has it.
let private ignoresSignal (number: int) =
    File.ReadAllLines "/proc/self/status"
    |> Array.tryFind (fun line -> line.StartsWith "SigIgn:")
    |> Option.map (fun line -> (Convert.ToUInt64(line.Substring(7).Trim(), 16) >>> (number - 1)) &&& 1UL = 1UL)
    |> Option.defaultValue false

/// Starts `pmem copy big dst` on a 4 GiB sparse source, waits until the copy is writing its temporary file, sends
/// the signal, and returns the exit code and standard error.
let private interruptedCopy (signal: string) =
    if signal = "INT" && ignoresSignal 2 then
        skip "this test process ignores SIGINT (started in the background), so the pmem copy it starts would too"

    use dir = diskDir ()
    sparseSource (dir.File "big") (4L * 1024L * 1024L * 1024L)
    let psi = ProcessStartInfo("dotnet")

    for a in [ pmemDll (); "copy"; dir.File "big"; dir.File "dst" ] do
        psi.ArgumentList.Add a

    psi.RedirectStandardOutput <- true
    psi.RedirectStandardError <- true
    psi.Environment["NO_COLOR"] <- "1"
    psi.Environment["PMEM_IS_PMEM_FORCE"] <- "0"
    use copy = Process.Start psi
    let err = copy.StandardError.ReadToEndAsync()
    let out = copy.StandardOutput.ReadToEndAsync()
    let clock = Stopwatch.StartNew()

    while (temporaryOf dir).IsNone && not copy.HasExited && clock.Elapsed < TimeSpan.FromMinutes 1.0 do
        Thread.Sleep 5

    let number = if signal = "INT" then 2L else 15L
    // kill(2) through syscall (SYS_kill = 62 on x86-64).
    let killed = Native.syscall (62L, int64 copy.Id, number, 0L)

    if killed <> 0L || copy.HasExited then
        copy.WaitForExit()
        failtestf "the copy was not running when signalled (kill: %d, exit code %d):\n%s%s" killed copy.ExitCode out.Result err.Result

    if not (copy.WaitForExit(TimeSpan.FromMinutes 1.0)) then
        copy.Kill true
        failtestf "pmem copy did not stop within a minute of %s" signal

    copy.WaitForExit()
    copy.ExitCode, err.Result, leftOver dir [ "big" ]

/// Runs the signal scenario for the exit-code table: the code only, after checking nothing was left behind.
let interruptedCode (signal: string) =
    let exitCode, err, left = interruptedCopy signal
    Expect.equal left [||] $"SIG{signal}: nothing left besides the source; stderr:\n{err}"
    exitCode

/// `bash -c "ulimit -f 102400; exec dotnet pmem.dll copy src dst"` with a 200 MiB source: the exit code, standard
/// error and what is left in the directory besides the source.
let limitedCopy () =
    match tryFindOnPath "bash" with
    | None -> skip "needs bash to set a file-size limit"
    | Some bash ->
        use dir = diskDir ()
        sparseSource (dir.File "src") (200L * 1024L * 1024L)
        let script = "ulimit -f 102400; exec dotnet \"$0\" copy \"$1\" \"$2\""
        let ran = runWith [] (TimeSpan.FromMinutes 1.0) bash [ "-c"; script; pmemDll (); dir.File "src"; dir.File "dst" ]
        ran.Code, ran.Err, leftOver dir [ "src" ]

let tests =
    testList
        "pmem copy staging"
        [ for signal, code in [ "INT", 130; "TERM", 143 ] do
              testCase $"a copy stopped by SIG{signal} exits {code} and leaves neither destination nor temporary file"
              <| fun () ->

                  let exitCode, err, left = interruptedCopy signal
                  Expect.equal exitCode code $"the exit code; stderr:\n{err}"
                  Expect.stringContains err $"SIG{signal}" "it says which signal stopped it"
                  Expect.equal left [||] "nothing left besides the source"

          testCase "a copy past the file-size limit (ulimit -f, SIGXFSZ not ignored by the shell) exits 5 and leaves nothing"
          <| fun () ->
              let exitCode, err, left = limitedCopy ()
              Expect.equal exitCode 5 $"the exit code; stderr:\n{err}"
              Expect.stringContains err "no space" "the error says so"
              Expect.equal left [||] "nothing left besides the source" ]
