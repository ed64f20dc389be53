module Pmem.Tests.TestDsl

#nowarn "9" // native pointers: the buffers below hand out raw addresses for the pointer-based APIs under test

open System
open System.IO
open System.Runtime.InteropServices
open Microsoft.FSharp.NativeInterop
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

/// What a finished process did.
type Ran = { Code: int; Out: string; Err: string }

/// Runs a process to completion in a working directory (None: this process's) with extra environment variables
/// (NO_COLOR keeps the CLI's output plain); fails the test if it runs longer than the timeout.
let runIn (directory: string option) (environment: (string * string) list) (timeout: TimeSpan) (fileName: string) (args: string list) =
    let psi = Diagnostics.ProcessStartInfo(fileName)
    directory |> Option.iter (fun d -> psi.WorkingDirectory <- d)

    for a in args do
        psi.ArgumentList.Add a

    psi.RedirectStandardOutput <- true
    psi.RedirectStandardError <- true
    psi.Environment["NO_COLOR"] <- "1"

    for name, value in environment do
        psi.Environment[name] <- value

    use p = Diagnostics.Process.Start psi
    let out = p.StandardOutput.ReadToEndAsync()
    let err = p.StandardError.ReadToEndAsync()

    if not (p.WaitForExit timeout) then
        p.Kill true
        failwithf "%s %s did not finish within %O" fileName (String.Join(" ", args)) timeout

    p.WaitForExit()
    { Code = p.ExitCode; Out = out.Result; Err = err.Result }

/// How to start this test program again as a child process: the host and the arguments before the program's own.
let selfCommand () =
    let host = Environment.ProcessPath |> Option.ofObj |> Option.defaultValue "dotnet"

    match Reflection.Assembly.GetEntryAssembly() |> Option.ofObj with
    | Some entry when Path.GetFileNameWithoutExtension host = "dotnet" -> host, [ entry.Location ]
    | _ -> host, []

/// runIn this process's working directory.
let runWith environment timeout fileName args = runIn None environment timeout fileName args

/// Runs a process (two minutes at most), returning its exit code and combined output.
let run (fileName: string) (args: string list) =
    let ran = runWith [] (TimeSpan.FromMinutes 2.0) fileName args
    ran.Code, ran.Out + ran.Err

/// Native memory aligned to a page, freed on dispose: a stand-in for a mapping when only bytes matter.
type NativeBuffer(size: int) =
    let ptr = NativeMemory.AlignedAlloc(unativeint (max size 1), 4096un)
    do NativeMemory.Clear(ptr, unativeint (max size 1))
    member _.Size = size
    member _.Address = NativePtr.ofVoidPtr<byte> ptr
    member _.At(offset: int) = NativePtr.add (NativePtr.ofVoidPtr<byte> ptr) offset
    member _.Span = Span<byte>(ptr, size)

    interface IDisposable with
        member _.Dispose() = NativeMemory.AlignedFree ptr

/// <c>pages</c> read-write pages with a PROT_NONE page on each side: any access outside them faults.
type GuardedRegion(pages: int) =
    let page = Environment.SystemPageSize
    let total = unativeint ((pages + 2) * page)
    let baseAddr =
        Pmem.Interop.Libc.mmap(
            0n,
            total,
            Pmem.Interop.Libc.PROT_NONE,
            Pmem.Interop.Libc.MAP_PRIVATE ||| Pmem.Interop.Libc.MAP_ANONYMOUS,
            -1,
            0L)
    do
        if baseAddr = Pmem.Interop.Libc.MAP_FAILED then
            failwithf "mmap of a guarded region failed: errno %d" (Marshal.GetLastPInvokeError())
        let rw = Pmem.Interop.Libc.PROT_READ ||| Pmem.Interop.Libc.PROT_WRITE
        if Pmem.Interop.Libc.mprotect(baseAddr + nativeint page, unativeint (pages * page), rw) <> 0 then
            failwithf "mprotect of a guarded region failed: errno %d" (Marshal.GetLastPInvokeError())
    /// Bytes between the guards.
    member _.Size = pages * page
    /// First byte after the leading guard page.
    member _.Start = NativePtr.ofNativeInt<byte> (baseAddr + nativeint page)
    member this.At(offset: int) = NativePtr.add this.Start offset
    member this.Span = Span<byte>(NativePtr.toVoidPtr this.Start, this.Size)

    interface IDisposable with
        member _.Dispose() = Pmem.Interop.Libc.munmap(baseAddr, total) |> ignore

/// The permissions of the line of /proc/self/maps that maps <paramref name="path"/> from <paramref name="address"/>,
/// or None. The file is part of the match: once unmapped, the address may be reused at once by a mapping that a test
/// running in parallel makes.
let mapsEntry (address: nativeint) (path: string) =
    File.ReadAllLines "/proc/self/maps"
    |> Array.tryPick (fun line ->
        let fields = line.Split(' ', 6, StringSplitOptions.RemoveEmptyEntries)
        let start = Convert.ToUInt64(fields[0].Split('-').[0], 16)
        let file = if fields.Length = 6 then fields[5] else ""

        if start = uint64 address && file.StartsWith path then Some fields[1] else None)
