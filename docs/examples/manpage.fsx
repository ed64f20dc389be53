// libpmem's man page example (PMDK src/examples/libpmem/manpage.c) in F#: create a 4 KiB file, store a string in it
// and make the string durable: flush + drain when the file is persistent memory, msync when it is not.
// Run after a Release build:  dotnet fsi docs/examples/manpage.fsx FILE   (the Test and Demo targets run it)
#r "../../src/Pmem.FSharp/bin/Release/net10.0/Pmem.Core.dll"
#r "../../src/Pmem.FSharp/bin/Release/net10.0/Pmem.FSharp.dll"

open System.Text
open Pmem.FSharp

/// Using 4 KiB of pmem for this example.
let pmemLength = 4096L

match fsi.CommandLineArgs with
| [| _; path |] ->
    // Create the file with exactly 4 KiB allocated (or resize an existing one) and map it.
    match path |> Mapping.tryMapFile (MapOptions.createOrResize pmemLength) with
    | Error e ->
        eprintfn "manpage: %s" (PmemError.describe e)
        exit 1
    | Ok mapping ->
        use mapping = mapping
        // Decided once, when the file was mapped (MAP_SYNC or device DAX, or PMEM_IS_PMEM_FORCE): keep the answer.
        let isPmem = Mapping.isPmem mapping

        // Store a string to the persistent memory: plain stores, which reach the media in any order, or not at all,
        // until they are flushed.
        // A lease holds the mapping while its span is used (a Dispose elsewhere waits for it to end).
        let stored =
            use lease = mapping.Lease(0L, int pmemLength)
            Encoding.UTF8.GetBytes("hello, persistent memory", lease.Span)

        // Flush the stores above to persistence. (Mapping.persist alone makes the same choice for you.)
        if isPmem then
            mapping |> Mapping.persist 0L pmemLength
        else
            mapping |> Mapping.msync 0L pmemLength

        let how = if isPmem then "flush + drain" else "msync"
        printfn "stored %d bytes in %s and made them durable with %s" stored path how
| _ ->
    eprintfn "usage: dotnet fsi manpage.fsx FILE"
    exit 1
