// libpmem's simple_copy example (PMDK src/examples/libpmem/simple_copy.c) in F#: copy a file into a new file with one
// persistent copy (pmem_memcpy_persist: non-temporal stores, flush, drain; on a file that is not persistent memory,
// a copy and msync). Unlike the C original, which copies at most 4 KiB into a 4 KiB file, this copies the whole file.
// Run after a Release build:  dotnet fsi docs/examples/simple_copy.fsx SOURCE DESTINATION  (DESTINATION must be new)
#r "../../src/Pmem.FSharp/bin/Release/net10.0/Pmem.Core.dll"
#r "../../src/Pmem.FSharp/bin/Release/net10.0/Pmem.FSharp.dll"

open System.IO
open Pmem.FSharp

match fsi.CommandLineArgs with
| [| _; source; destination |] ->
    let bytes =
        try
            File.ReadAllBytes source
        with e ->
            eprintfn "simple_copy: %s" e.Message
            exit 1

    // Create the destination (it must not exist) with the source's length, and map it. An empty source cannot be
    // copied this way: pmem_map_file creates files of at least one byte.
    match destination |> Mapping.tryMapFile (MapOptions.createNew (int64 bytes.Length)) with
    | Error e ->
        eprintfn "simple_copy: %s" (PmemError.describe e)
        exit 1
    | Ok mapping ->
        use mapping = mapping

        // Write it to the pmem: durable when the call returns. On persistent memory this is pmem_memcpy_persist;
        // otherwise the mapping copies and msyncs, the C example's else branch.
        mapping |> Mapping.copy 0L bytes

        let how = if Mapping.isPmem mapping then "memcpy_persist" else "memcpy + msync"
        printfn "copied %d bytes to %s (%s)" bytes.Length destination how
| _ ->
    eprintfn "usage: dotnet fsi simple_copy.fsx SOURCE DESTINATION"
    exit 1
