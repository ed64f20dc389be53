// libpmem's full_copy example (PMDK src/examples/libpmem/full_copy.c) in F#: copy a file into a new file 4 KiB at a
// time. Each block is copied with a no-drain persistent copy (its cache lines flushed, or bypassed with non-temporal
// stores), and a single drain at the end makes them all durable: the drain is not tied to a range, so one suffices.
// Run after a Release build:  dotnet fsi docs/examples/full_copy.fsx SOURCE DESTINATION   (DESTINATION must not exist)
#r "../../src/Pmem.FSharp/bin/Release/net10.0/Pmem.Core.dll"
#r "../../src/Pmem.FSharp/bin/Release/net10.0/Pmem.FSharp.dll"

open System
open System.IO
open Pmem
open Pmem.FSharp

/// Copying 4 KiB at a time to pmem for this example.
let bufferLength = 4096

/// Reads the source block by block and hands each block and its offset to copyBlock.
let copyBlocks (source: Stream) (copyBlock: int64 -> ReadOnlyMemory<byte> -> unit) =
    let buffer = Array.zeroCreate<byte> bufferLength

    let rec loop offset =
        let read = source.Read(buffer, 0, buffer.Length)

        if read > 0 then
            copyBlock offset (ReadOnlyMemory(buffer, 0, read))
            loop (offset + int64 read)

    loop 0L

/// Copies to pmem, postponing the drain step until the end.
let copyToPmem (mapping: PmemMapping) (source: Stream) =
    copyBlocks source (fun offset block -> mapping |> Mapping.copyMemory PmemCopyFlags.NoDrain offset block)
    // Perform the final step: everything copied above is durable when the drain returns.
    Mapping.drain mapping

/// Copies to a file that is not persistent memory: plain copies, then one msync of the whole file.
let copyToNonPmem (mapping: PmemMapping) (source: Stream) =
    copyBlocks source (fun offset block -> mapping |> Mapping.copyMemory PmemCopyFlags.NoFlush offset block)
    mapping |> Mapping.msync 0L mapping.Length

match fsi.CommandLineArgs with
| [| _; source; destination |] ->
    use input =
        try
            File.OpenRead source
        with e ->
            eprintfn "full_copy: %s" e.Message
            exit 1

    // Create the destination (it must not exist) with the source's length, and map it.
    match destination |> Mapping.tryMapFile (MapOptions.createNew input.Length) with
    | Error e ->
        eprintfn "full_copy: %s" (PmemError.describe e)
        exit 1
    | Ok mapping ->
        use mapping = mapping

        // Determine whether the file is true pmem and call the appropriate copy routine.
        if Mapping.isPmem mapping then
            copyToPmem mapping input
        else
            copyToNonPmem mapping input

        let how = if Mapping.isPmem mapping then "no-drain copies, one drain" else "copies, one msync"
        printfn "copied %d bytes to %s in %d-byte blocks (%s)" mapping.Length destination bufferLength how
| _ ->
    eprintfn "usage: dotnet fsi full_copy.fsx SOURCE DESTINATION"
    exit 1
