/// Scenarios that would kill the process if Pmem regressed (a store to unmapped memory, SIGBUS on a full file
/// system, a process-wide address-space limit), run in a child process of the test program so that a regression fails
/// its test instead of ending the whole run. Each prints "ok" (or what it found) and exits 0.
module Pmem.Tests.LifetimeChild

open System
open System.IO
open System.Runtime.InteropServices
open Pmem
open Pmem.FSharp

[<Struct; StructLayout(LayoutKind.Sequential)>]
type private RLimit = { Current: uint64; Maximum: uint64 }

[<DllImport("libc", SetLastError = true)>]
extern int private setrlimit(int resource, RLimit& limit)

[<DllImport("libc", SetLastError = true)>]
extern int private getrlimit(int resource, RLimit& limit)

let private RLIMIT_AS = 9

/// Every operation must refuse the mapping with ObjectDisposedException (F#: Error Disposed).
let private allRefuse (mapping: PmemMapping) =
    let refused (name: string) (f: unit -> unit) =
        try
            f ()
            Some $"{name} ran on a released mapping"
        with :? ObjectDisposedException ->
            None

    [ refused "Read" (fun () -> mapping.Read(0L, Span(Array.zeroCreate<byte> 8)))
      refused "Persist" (fun () -> mapping.Persist(0L, 64L))
      refused "Flush" (fun () -> mapping.Flush(0L, 64L))
      refused "Copy" (fun () -> mapping.Copy(0L, ReadOnlySpan(Array.create 64 1uy)))
      refused "Fill" (fun () -> mapping.Fill(0L, 1uy, 64L))
      refused "Lease" (fun () -> mapping.Lease(0L, 8).Dispose())
      refused "GetSpan" (fun () -> mapping.GetSpan(0L, 8).Length |> ignore)
      (match Durable.commit mapping (Durable.writeInt64 0L 1L) with
       | Error PmemError.Disposed -> None
       | other -> Some $"Durable.commit gave {other}") ]
    |> List.choose id

/// Releases the mapping through its public SafeBuffer in one of three ways, then checks every operation refuses it.
let private releaseThroughBuffer (how: string) (path: string) =
    let mapping = PmemFile.Map(path, 4096L, PmemFileFlags.Create)

    match how with
    | "dispose" -> mapping.Buffer.Dispose()
    | "close" -> mapping.Buffer.Close()
    | _ -> mapping.Buffer.DangerousRelease()

    match allRefuse mapping with
    | [] when mapping.IsDisposed ->
        mapping.Dispose() // still idempotent
        GC.Collect()
        GC.WaitForPendingFinalizers()
        printfn "ok"
    | [] -> printfn "IsDisposed is false after releasing the buffer"
    | problems -> printfn "%s" (String.Join("; ", problems))

/// TryMap with Create (shrinking an existing file) under an address-space limit that makes the mmap fail.
let private mapUnderAddressLimit (path: string) (length: int64) =
    // Warm the path first, so that nothing is compiled or loaded while the limit is in force.
    PmemFile.TryMap(path + ".missing", 0L, PmemFileFlags.None, PmemFile.DefaultMode) |> ignore
    let mutable saved = Unchecked.defaultof<RLimit>
    getrlimit (RLIMIT_AS, &saved) |> ignore
    let inUse =
        File.ReadAllLines "/proc/self/status"
        |> Array.pick (fun line ->
            if line.StartsWith "VmSize:" then
                Some(int64 (line.Split([| ' '; '\t' |], StringSplitOptions.RemoveEmptyEntries).[1]) * 1024L)
            else
                None)
    // A little room for the runtime, far less than the mapping needs.
    let mutable limited = { Current = uint64 (inUse + (8L <<< 20)); Maximum = saved.Maximum }
    let mutable mapping = null
    let mutable error = null
    let ok =
        try
            setrlimit (RLIMIT_AS, &limited) |> ignore
            PmemFile.TryMap(path, length, PmemFileFlags.Create, PmemFile.DefaultMode, &mapping, &error)
        finally
            setrlimit (RLIMIT_AS, &saved) |> ignore

    if ok then
        mapping.Dispose()
        printfn "mapped"
    else
        printfn "%s" error.ErrnoName

/// Runs one scenario: <c>--lifetime-child NAME ARGS</c>.
let run (args: string list) =
    match args with
    | [ "buffer"; how; path ] -> releaseThroughBuffer how path
    | [ "address-limit"; path; length ] -> mapUnderAddressLimit path (int64 length)
    | _ -> eprintfn "unknown scenario %A" args
    0
