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

/// The file's bytes at offset, read with read(2) (a load from the mapping would fault a hole in on a full tmpfs).
let private fileBytes (path: string) (offset: int64) (count: int) =
    use stream = new FileStream(path, FileMode.Open, FileAccess.Read)
    stream.Position <- offset
    let buffer = Array.zeroCreate<byte> count
    stream.ReadExactly(buffer, 0, count)
    buffer

/// Writes far more than a full tmpfs holds into a sparse mapping through every Pmem write path: each must report
/// ENOSPC (PmemException, F#: Error) with nothing stored, and the process must live.
let private fillFullFileSystem (path: string) =
    let big = 8 <<< 20
    use mapping = PmemFile.Map(path, 64L <<< 20, PmemFileFlags.Create ||| PmemFileFlags.Sparse)
    let problems = Collections.Generic.List<string>()

    let nothingStored (name: string) (offset: int64) =
        if Array.exists ((<>) 0uy) (fileBytes path offset big) then problems.Add $"{name}: bytes were stored by a failed call"

    let expectNoSpace (name: string) (offset: int64) (f: unit -> unit) =
        eprintfn "%s" name // the last name printed is the step that killed a regressed process
        try
            f ()
            problems.Add $"{name}: no error"
        with :? PmemException as e when e.Errno = 28 ->
            nothingStored name offset

    if not mapping.IsSparse then problems.Add "a Sparse mapping does not say IsSparse"
    // A small write fits and works.
    mapping.Copy(0L, ReadOnlySpan(Array.create 4096 7uy))
    expectNoSpace "Copy" (16L <<< 20) (fun () -> mapping.Copy(16L <<< 20, ReadOnlySpan(Array.create big 1uy)))
    expectNoSpace "Fill" (24L <<< 20) (fun () -> mapping.Fill(24L <<< 20, 2uy, int64 big))
    expectNoSpace "Move" (32L <<< 20) (fun () -> mapping.Move(32L <<< 20, 0L, int64 big))
    expectNoSpace "Lease" (40L <<< 20) (fun () -> mapping.Lease(40L <<< 20, big).Dispose())
    eprintfn "Durable.commit"

    match Durable.commit mapping (Durable.write (48L <<< 20) (Array.create big 3uy)) with
    | Error _ -> nothingStored "Durable.commit" (48L <<< 20)
    | Ok() -> problems.Add "Durable.commit: no error"

    if fileBytes path 0L 4096 <> Array.create 4096 7uy then problems.Add "the small write was lost"
    printfn "%s" (if problems.Count = 0 then "ok" else String.Join("; ", problems))

/// Every store Pmem offers into read-only mappings of <paramref name="path"/> (private; shared at one page): each must be refused
/// with ReadOnlyMapping (a regression would be SIGSEGV, which kills this child, not the test run); reads and persists work.
let private storeIntoReadOnly (path: string) =
    let problems = ResizeArray<string>()
    let privateMapping = PmemSource.FromPath(path).Map(PmemMapConfig(Protection = PmemProtection.Read, Sharing = PmemSharing.Private))

    try
        privateMapping.Fill(0L, 1uy, 1L)
        problems.Add "Fill of a private read-only mapping: no error"
    with :? PmemMapException as e when e.Error = PmemMapError.ReadOnlyMapping ->
        ()

    match Mapping.tryFill 0L 1uy 8L privateMapping with
    | Error (PmemError.Map (PmemMapError.ReadOnlyMapping, _)) -> ()
    | other -> problems.Add $"Mapping.tryFill: {other}"

    privateMapping.Dispose()
    use mapping = PmemSource.FromPath(path).Map(PmemMapConfig(Protection = PmemProtection.Read, Offset = 4096L))
    let refused (name: string) (store: unit -> unit) =
        try
            store ()
            problems.Add $"{name}: no error"
        with
        | :? PmemMapException as e when e.Error = PmemMapError.ReadOnlyMapping && e.Message.Contains "read-only" -> ()
        | e -> problems.Add $"{name}: {e.GetType().Name} {e.Message}"

    refused "Copy" (fun () -> mapping.Copy(0L, ReadOnlySpan [| 1uy; 2uy |]))
    refused "Copy NoFlush" (fun () -> mapping.Copy(64L, ReadOnlySpan(Array.create 4096 1uy), PmemCopyFlags.NoFlush))
    refused "Copy NonTemporal" (fun () -> mapping.Copy(0L, ReadOnlySpan(Array.create 4096 1uy), PmemCopyFlags.NonTemporal))
    refused "Move" (fun () -> mapping.Move(0L, 128L, 64L))
    refused "Fill" (fun () -> mapping.Fill(0L, 0xFFuy, 4096L))
    refused "Lease" (fun () -> mapping.Lease(0L, 8).Dispose())
    refused "GetSpan" (fun () -> mapping.GetSpan(0L, 8).Length |> ignore)
    refused "Mapping.copy" (fun () -> Mapping.copy 0L [| 1uy |] mapping)
    refused "Mapping.fill" (fun () -> Mapping.fill 0L 1uy 8L mapping)

    match Durable.commit mapping (Durable.writeInt64 0L 42L) with
    | Error (PmemError.Map (PmemMapError.ReadOnlyMapping, _)) -> ()
    | other -> problems.Add $"Durable.commit: {other}"

    match Mapping.tryCopy 0L [| 1uy |] mapping with
    | Error (PmemError.Map (PmemMapError.ReadOnlyMapping, _)) -> ()
    | other -> problems.Add $"Mapping.tryCopy: {other}"

    match Durable.commitAtomic mapping (Durable.writeInt64 0L 42L) with
    | Error (PmemError.Map (PmemMapError.ReadOnlyMapping, _)) -> ()
    | other -> problems.Add(sprintf "Durable.commitAtomic: %A" other)

    match Durable.commit mapping (Durable.readInt64 8L) with
    | Ok value when value = BitConverter.ToInt64(fileBytes path 4104L 8, 0) -> ()
    | other -> problems.Add $"a reading plan: {other}"

    mapping.Persist(0L, mapping.Length)
    mapping.Flush(0L, 64L)
    mapping.Drain()
    let head = Array.zeroCreate<byte> 64
    mapping.Read(0L, Span head)
    if head <> fileBytes path 4096L 64 then problems.Add "reading the mapping does not give the file's bytes"
    printfn "%s" (if problems.Count = 0 then "ok" else String.Join("; ", problems))

/// Maps made at once for <paramref name="seconds"/>: one thread maps files of 4 to 8 MiB, three map files of 16 B to
/// 64 KiB, all in <paramref name="dir"/>; each writes a tag of its own to the first and last 8 bytes of its mapping
/// and checks that the mapping, and then the file, hold it. On a file system that refuses MAP_SYNC from its mmap
/// handler (ext4, XFS) every map's MAP_SYNC question is refused; a mapping made over part of another (a regression)
/// faults, which kills this child, or puts a tag into the wrong file.
let private concurrentMaps (dir: string) (seconds: float) =
    let problems = Collections.Concurrent.ConcurrentQueue<string>()
    let deadline = DateTime.UtcNow.AddSeconds seconds
    let mutable maps = 0

    let worker (index: int) () =
        let random = Random(index)
        let mutable round = 0L
        let path = Path.Combine(dir, $"t{index}.pmem")

        while DateTime.UtcNow < deadline && problems.IsEmpty do
            round <- round + 1L
            let size = if index = 0 then random.NextInt64(4L <<< 20, 8L <<< 20) else random.NextInt64(16L, 64L <<< 10)
            let flags = if random.Next 2 = 0 then PmemFileFlags.Create ||| PmemFileFlags.Sparse else PmemFileFlags.Create
            let tag = BitConverter.GetBytes((int64 index <<< 48) ||| round)

            do
                use mapping = PmemFile.Map(path, size, flags, PmemFile.DefaultMode)
                mapping.Copy(0L, ReadOnlySpan tag)
                mapping.Copy(size - 8L, ReadOnlySpan tag)
                let back = Array.zeroCreate<byte> 8
                mapping.Read(size - 8L, Span back)
                if back <> tag then problems.Enqueue $"thread {index}, round {round}: its mapping does not hold its tag"

            let first, last = fileBytes path 0L 8, fileBytes path (size - 8L) 8
            if first <> tag || last <> tag then
                problems.Enqueue $"thread {index}, round {round}: its file does not hold its tag {Convert.ToHexString tag} (size {size}, {flags}, length {FileInfo(path).Length}): {Convert.ToHexString first} .. {Convert.ToHexString last}"

            File.Delete path
            Threading.Interlocked.Increment &maps |> ignore

    let threads = [ for index in 0..3 -> Threading.Thread(worker index) ]
    threads |> List.iter (fun t -> t.Start())
    threads |> List.iter (fun t -> t.Join())
    eprintfn "%d maps" maps
    printfn "%s" (if problems.IsEmpty then "ok" else String.Join("; ", problems))

/// Runs one scenario: <c>--lifetime-child NAME ARGS</c>.
let run (args: string list) =
    match args with
    | [ "buffer"; how; path ] -> releaseThroughBuffer how path
    | [ "address-limit"; path; length ] -> mapUnderAddressLimit path (int64 length)
    | [ "disk-full"; path ] -> fillFullFileSystem path
    | [ "read-only-stores"; path ] -> storeIntoReadOnly path
    | [ "concurrent-maps"; dir; seconds ] -> concurrentMaps dir (float seconds)
    | _ -> eprintfn "unknown scenario %A" args
    0
