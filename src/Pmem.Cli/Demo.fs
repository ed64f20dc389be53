/// The main job the README's Demo command runs: map, write, persist, unmap, remap, read back, report.
module Pmem.Cli.Demo

open System
open System.IO
open System.Text
open Pmem

/// The capability report is `pmem info`'s job (the Demo target runs both): the demo names only the flush and copy path.
let run () =
    let capabilities = PmemCapabilities.Current
    printfn "Pmem flushes with %O and copies with %O here (the full report: pmem info)." capabilities.Flush capabilities.CopyIsa

    let path = Path.Combine(Path.GetTempPath(), $"pmem-demo-{Environment.ProcessId}.pmem")
    let message = $"Hello from Pmem at {DateTime.UtcNow:O}"
    let bytes = Encoding.UTF8.GetBytes message

    try
        do
            use mapping = PmemFile.Map(path, 4096L, PmemFileFlags.Create, PmemFile.DefaultMode)
            printfn "Created %s" (PmemCapabilities.Describe mapping)
            mapping.Copy(0L, ReadOnlySpan bytes)
            mapping.Persist(0L, int64 bytes.Length)
            printfn "Wrote %d bytes and persisted them (%s)." bytes.Length (if mapping.IsPmem then "flush + drain" else "msync")

        use again = PmemFile.Map(path, 0L, PmemFileFlags.None, PmemFile.DefaultMode)
        let back = Array.zeroCreate<byte> bytes.Length
        again.Read(0L, Span back)
        printfn "Mapped again: length %d, is-pmem %b" again.Length again.IsPmem
        printfn "Read back:    %s" (Encoding.UTF8.GetString back)
        if back <> bytes then failwith "the bytes read back differ from those written"
        0
    finally
        File.Delete path
