module Pmem.Tests.TestDsl

open System
open System.IO
open Expecto
open Hedgehog
open Hedgehog.FSharp

/// A property as an Expecto test (100 generated cases unless configured).
let testProperty name (property: Property<unit>) = testCase name (fun () -> Property.check property)

/// A property with an explicit number of generated cases.
let testPropertyN name (tests: int) (property: Property<unit>) =
    testCase name (fun () -> Property.checkWith (PropertyConfig.defaults |> PropertyConfig.withTests (tests * 1<tests>)) property)

/// Expect equality with a readable failure.
let (=!) (actual: 'a) (expected: 'a) = Expect.equal actual expected "values differ"

/// Runs the rest of the scope under explicit Pmem options (process-wide: use inside testSequenced lists only).
let withOptions (options: Pmem.PmemOptions) = Pmem.PmemOptions.Use options

/// Runs f and returns the exception of type 'e it throws; fails the test if it throws nothing.
let catchT<'e when 'e :> exn> (f: unit -> unit) : 'e =
    try
        f ()
        failtestf "expected %s, nothing was thrown" typeof<'e>.Name
    with :? 'e as e ->
        e

/// A fresh directory under the system temp directory, removed with everything in it on dispose.
[<AllowNullLiteral>]
type TempDir(root: string) =
    let path = Path.Combine(root, $"pmem-tests-{Guid.NewGuid():N}")
    do Directory.CreateDirectory path |> ignore
    member _.Path = path
    member _.File(name: string) = Path.Combine(path, name)

    interface IDisposable with
        member _.Dispose() =
            try
                Directory.Delete(path, true)
            with _ ->
                ()

/// A directory on the disk file system (msync path).
let diskDir () = new TempDir(Path.GetTempPath())

/// A directory on /dev/shm (tmpfs: the pmem paths, with PMEM_IS_PMEM_FORCE=1); the disk temp dir where /dev/shm is absent.
let shmDir () =
    if Directory.Exists "/dev/shm" then new TempDir("/dev/shm") else diskDir ()

/// Skips the current test with a reason (counted as skipped).
let skip reason = Tests.skiptest reason

/// The first executable of that name on PATH.
let tryFindOnPath (name: string) =
    (Environment.GetEnvironmentVariable "PATH" |> Option.ofObj |> Option.defaultValue "").Split(':')
    |> Array.map (fun dir -> Path.Combine(dir, name))
    |> Array.tryFind File.Exists

/// Runs a process, returning exit code and combined output.
let run (file: string) (args: string list) =
    let psi = Diagnostics.ProcessStartInfo(file)
    for a in args do
        psi.ArgumentList.Add a
    psi.RedirectStandardOutput <- true
    psi.RedirectStandardError <- true
    use p = Diagnostics.Process.Start psi
    let out = p.StandardOutput.ReadToEndAsync()
    let err = p.StandardError.ReadToEnd()
    p.WaitForExit()
    p.ExitCode, out.Result + err
