/// `pmem copy SRC DST`: docs/examples/full_copy.fsx with a progress bar and a throughput line. The copy is written to
/// a temporary file in DST's directory created with the source's length; each chunk is copied with a no-drain
/// persistent copy and one drain ends the copy (on a file that is not persistent memory: plain copies, then one msync
/// of the whole file); then the file is fsync'd and renamed to DST, never replacing an existing file (Staging.fs). On
/// any failure, SIGINT or SIGTERM the temporary file is removed: DST appears whole or not at all.
module internal Pmem.Cli.Copy

open System
open System.Diagnostics
open System.IO
open System.Threading
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
/// Stops with OperationCanceledException at the next chunk once <paramref name="token"/> is cancelled.
let private copyInto (token: CancellationToken) (input: Stream) (mapping: PmemMapping) (advance: int -> unit) =
    let flags = if mapping.IsPmem then PmemCopyFlags.NoDrain else PmemCopyFlags.NoFlush
    let buffer = Array.zeroCreate<byte> ChunkLength
    let next offset = int (min (int64 buffer.Length) (mapping.Length - offset))
    let mutable offset = 0L
    let mutable read = input.Read(buffer, 0, next offset)

    while read > 0 do
        token.ThrowIfCancellationRequested()
        mapping.Copy(offset, ReadOnlySpan(buffer, 0, read), flags)
        offset <- offset + int64 read
        advance read
        read <- if offset < mapping.Length then input.Read(buffer, 0, next offset) else 0

    if offset <> mapping.Length then
        raise (IOException $"the source ended after {offset} of its {mapping.Length} bytes (it shrank during the copy)")

    token.ThrowIfCancellationRequested()
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

/// Writes the source into the new file <paramref name="temporary"/> and makes it durable; an empty source gives an
/// empty file (pmem_map_file cannot create a 0-byte file). None when the core refused to create the mapping.
let private writeTemporary token (input: FileStream) (source: string) (temporary: string) =
    if input.Length = 0L then
        do
            use _ = new FileStream(temporary, FileMode.CreateNew, FileAccess.Write)
            ()

        Ok { Bytes = 0L; Elapsed = TimeSpan.Zero; IsPmem = false; Reason = "" }
    else
        match temporary |> Mapping.tryMapFile (MapOptions.createNew input.Length) with
        | Error error -> Error error
        | Ok mapping ->
            use mapping = mapping
            // Timed: the copy and its drain or msync, not the progress display's start and end.
            let elapsed = ref TimeSpan.Zero

            withProgress source mapping.Length (fun advance ->
                let clock = Stopwatch.StartNew()
                copyInto token input mapping advance
                elapsed.Value <- clock.Elapsed)

            Ok
                { Bytes = mapping.Length
                  Elapsed = elapsed.Value
                  IsPmem = mapping.IsPmem
                  Reason = mapping.IsPmemReason }

let private alreadyExists (destination: string) =
    Output.fail "copy" ExitCode.AlreadyExists $"{destination} already exists; pmem does not overwrite files"

let private copyFile (input: FileStream) (source: string) (destination: string) =
    let temporary = Staging.temporaryFor destination
    use interruption = new Staging.Interruption(temporary)

    try
        match writeTemporary interruption.Token input source temporary with
        | Error error -> Output.fail "copy" (ExitCode.ofError error) (ExitCode.describe destination error)
        | Ok copied ->
            interruption.Token.ThrowIfCancellationRequested()
            Staging.publish temporary destination

            if copied.Bytes = 0L then
                AnsiConsole.WriteLine "Copied 0 bytes: the source is empty, so the destination was created empty."
            else
                AnsiConsole.WriteLine(throughput copied)

            ExitCode.Ok
    with
    | :? OperationCanceledException when interruption.Signal.IsSome ->
        Staging.remove temporary
        let signal = interruption.Signal.Value
        let message = $"stopped by {signal}; the partial copy was removed and {destination} was not created"
        Output.fail "copy" (ExitCode.ofSignal signal) message
    | :? IOException when File.Exists destination && File.Exists temporary ->
        // Another process created the destination while the copy ran: the rename refused to replace it.
        Staging.remove temporary
        alreadyExists destination
    | :? UnauthorizedAccessException ->
        Staging.remove temporary
        Output.fail "copy" ExitCode.PermissionDenied $"{destination}: permission denied (or the file system is read-only)"
    | _ ->
        Staging.remove temporary
        reraise ()

/// The reason a path cannot be the source, or None.
let private badSource (source: string) =
    if source = "" then Some(ExitCode.BadArguments, "the source path is empty")
    elif Directory.Exists source then Some(ExitCode.BadArguments, $"{source} is a directory, not a file")
    elif not (File.Exists source) then Some(ExitCode.NotFound, $"{source}: no such file")
    else None

/// The reason a path cannot be the destination, or None.
let private badDestination (destination: string) =
    let directory () = Path.GetDirectoryName(Path.GetFullPath destination) |> nonNull

    if destination = "" then Some(ExitCode.BadArguments, "the destination path is empty")
    elif File.Exists destination || Directory.Exists destination then
        Some(ExitCode.AlreadyExists, $"{destination} already exists; pmem does not overwrite files")
    elif destination.EndsWith '/' then
        Some(ExitCode.BadArguments, $"{destination} names a directory; give the name of the new file")
    elif not (Directory.Exists(directory ())) then Some(ExitCode.NotFound, $"{directory ()}: no such directory")
    else None

/// Copies <paramref name="source"/> into the new file <paramref name="destination"/>; returns the exit code.
let run (source: string) (destination: string) =
    match badSource source, badDestination destination with
    | Some (code, message), _
    | None, Some (code, message) -> Output.fail "copy" code message
    | None, None ->
        let opened =
            try
                Ok(new FileStream(source, FileMode.Open, FileAccess.Read, FileShare.Read, 1, FileOptions.SequentialScan))
            with
            | :? UnauthorizedAccessException ->
                Error(ExitCode.PermissionDenied, $"{source}: permission denied (it cannot be read)")
            | :? IOException as e -> Error(ExitCode.Failure, $"{source} cannot be read: {e.Message}")

        try
            match opened with
            | Error (code, message) -> Output.fail "copy" code message
            | Ok input ->
                use input = input
                copyFile input source destination
        with
        | :? PmemException as e ->
            let error = PmemError.ofException e
            Output.fail "copy" (ExitCode.ofError error) (ExitCode.describe destination error)
        | :? IOException as e -> Output.fail "copy" ExitCode.Failure e.Message
