/// `pmem copy SRC DST`: docs/examples/full_copy.fsx with a progress bar and a throughput line. The destination is
/// created (never overwritten) with the source's length; each chunk is copied with a no-drain persistent copy and one
/// drain ends the copy (on a file that is not persistent memory: plain copies, then one msync of the whole file).
module internal Pmem.Cli.Copy

open System
open System.Diagnostics
open System.IO
open Spectre.Console
open Pmem
open Pmem.FSharp

/// Bytes read from the source and copied per step. full_copy.fsx uses libpmem's 4 KiB; a larger step makes fewer
/// calls and progress updates for the same durability (one drain at the end either way), and from
/// PmemOptions.DefaultParallelThreshold (4 MiB) up each step's copy is split across the copy threads.
[<Literal>]
let ChunkLength = 8388608

type private Copied = { Bytes: int64; Elapsed: TimeSpan; IsPmem: bool; Reason: string }

/// Copies the source into the mapping chunk by chunk, reporting each chunk's length, then makes it all durable.
let private copyInto (input: Stream) (mapping: PmemMapping) (advance: int -> unit) =
    let flags = if mapping.IsPmem then PmemCopyFlags.NoDrain else PmemCopyFlags.NoFlush
    let buffer = Array.zeroCreate<byte> ChunkLength
    let next offset = int (min (int64 buffer.Length) (mapping.Length - offset))
    let mutable offset = 0L
    let mutable read = input.Read(buffer, 0, next offset)

    while read > 0 do
        mapping.Copy(offset, ReadOnlySpan(buffer, 0, read), flags)
        offset <- offset + int64 read
        advance read
        read <- if offset < mapping.Length then input.Read(buffer, 0, next offset) else 0

    if offset <> mapping.Length then
        raise (IOException $"the source ended after {offset} of its {mapping.Length} bytes (it shrank during the copy)")

    // The final step: on pmem one drain makes every flushed chunk durable; otherwise one msync of the whole file.
    if mapping.IsPmem then mapping.Drain() else mapping.Msync(0L, mapping.Length)

let private withProgress (source: string) (length: int64) (work: (int -> unit) -> unit) =
    AnsiConsole
        .Progress()
        .Columns(
            [| TaskDescriptionColumn() :> ProgressColumn
               ProgressBarColumn()
               PercentageColumn()
               DownloadedColumn()
               TransferSpeedColumn()
               RemainingTimeColumn() |]
        )
        .Start(fun context ->
            let task = context.AddTask(Path.GetFileName source, true, float length)
            work (fun count -> task.Increment(float count)))

let private throughput (copied: Copied) =
    let seconds = max copied.Elapsed.TotalSeconds 1e-9
    let perSecond = float copied.Bytes / seconds
    let rate = Output.bytes (int64 perSecond)
    let how =
        if copied.IsPmem then "non-temporal copies, one drain (persistent memory)"
        else $"plain copies, one msync (not persistent memory: {copied.Reason})"

    $"Copied {copied.Bytes} bytes ({Output.bytes copied.Bytes}) in {seconds:F3} s: {rate}/s; {how}."

/// An empty source: pmem_map_file cannot create a 0-byte file, so the copy is an empty file created exclusively.
let private copyEmpty (destination: string) =
    if File.Exists destination || Directory.Exists destination then
        Output.fail "copy" ExitCode.AlreadyExists $"{destination} already exists; pmem does not overwrite files"
    else
        use _ = new FileStream(destination, FileMode.CreateNew, FileAccess.Write)
        AnsiConsole.WriteLine "Copied 0 bytes: the source is empty, so the destination was created empty."
        ExitCode.Ok

let private copyFile (source: string) (destination: string) =
    use input =
        new FileStream(source, FileMode.Open, FileAccess.Read, FileShare.Read, 1, FileOptions.SequentialScan)

    if input.Length = 0L then
        copyEmpty destination
    else
        match destination |> Pmem.tryMapFile (MapOptions.createNew input.Length) with
        | Error error -> Output.fail "copy" (ExitCode.ofError error) (ExitCode.describe destination error)
        | Ok mapping ->
            let copied =
                try
                    use mapping = mapping
                    // Timed: the copy and its drain or msync, not the progress display's start and end.
                    let elapsed = ref TimeSpan.Zero

                    withProgress source mapping.Length (fun advance ->
                        let clock = Stopwatch.StartNew()
                        copyInto input mapping advance
                        elapsed.Value <- clock.Elapsed)

                    { Bytes = mapping.Length
                      Elapsed = elapsed.Value
                      IsPmem = mapping.IsPmem
                      Reason = mapping.IsPmemReason }
                with _ ->
                    // The destination was created by this copy (exclusively): leave nothing half-written behind.
                    File.Delete destination
                    reraise ()

            AnsiConsole.WriteLine(throughput copied)
            ExitCode.Ok

/// Copies <paramref name="source"/> into the new file <paramref name="destination"/>; returns the exit code.
let run (source: string) (destination: string) =
    if Directory.Exists source then
        Output.fail "copy" ExitCode.BadArguments $"{source} is a directory, not a file"
    elif not (File.Exists source) then
        Output.fail "copy" ExitCode.NotFound $"{source}: no such file"
    else
        try
            copyFile source destination
        with
        | :? UnauthorizedAccessException as e -> Output.fail "copy" ExitCode.PermissionDenied e.Message
        | :? PmemException as e -> Output.fail "copy" (ExitCode.ofError (PmemError.ofException e)) e.Message
        | :? IOException as e -> Output.fail "copy" ExitCode.Failure e.Message
