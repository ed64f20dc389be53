/// `pmem info [path]`: the capability report, and whether a file maps as persistent memory and why.
module internal Pmem.Cli.Info

open System
open System.IO
open System.Reflection
open Spectre.Console
open Spectre.Console.Rendering
open Pmem
open Pmem.FSharp

let private addRow (table: Table) (what: string) (choice: string) (why: string) =
    table.AddRow([| Text(what) :> IRenderable; Text(choice); Text(why) |]) |> ignore

/// The capability report as a table: each choice Pmem made on this machine, and why.
let capabilitiesTable (c: PmemCapabilities) =
    let table = Table()
    table.Border <- Output.border ()
    table.AddColumn("") |> ignore
    table.AddColumn("choice") |> ignore
    table.AddColumn("why") |> ignore
    addRow table "CPU" c.CpuVendor ""
    addRow table "flush" (string c.Flush) c.FlushReason
    addRow table "flushes issued" (if c.FlushesCaches then "yes" else "no") c.FlushesCachesReason
    addRow table "drain" c.Fence c.FenceReason
    addRow table "copy path" (string c.CopyIsa) c.CopyIsaReason
    addRow table "NT threshold" $"{c.NonTemporalThreshold} B" c.NonTemporalThresholdReason
    let wc, wcWhy = if c.WcWorkaround then "on", "non-temporal copies fence every 12 lines" else "off", ""
    addRow table "WC workaround" wc wcWhy
    let threads = if c.CopyThreads = 1 then "1" else $"{c.CopyThreads} from {c.ParallelThreshold} B"
    addRow table "copy threads" threads c.ParallelReason
    addRow table "auto-flush (eADR)" (string c.AutoFlush) c.AutoFlushReason
    addRow table "is-pmem" "" c.IsPmemPolicy

    match List.ofSeq c.EnvironmentNotes with
    | [] -> addRow table "environment" "" "no libpmem variables set"
    | notes ->
        for note in notes do
            addRow table "environment" "" note

    table

/// What one mapping is: path, length, kind, is-pmem and why.
let mappingTable (mapping: PmemMapping) =
    let table = Table()
    table.Border <- Output.border ()
    table.AddColumn("file") |> ignore
    table.AddColumn("") |> ignore
    let row (what: string) (value: string) = table.AddRow([| Text(what) :> IRenderable; Text(value) |]) |> ignore
    row "path" (mapping.Path |> Option.ofObj |> Option.defaultValue "(temporary file)")
    row "length" $"{mapping.Length} bytes ({Output.bytes mapping.Length})"
    let kind =
        if mapping.IsDeviceDax then "device DAX"
        elif mapping.IsMapSync then "MAP_SYNC accepted"
        else "MAP_SYNC refused"

    row "kind" kind
    row "is-pmem" (if mapping.IsPmem then "yes" else "no")
    row "why" mapping.IsPmemReason
    table

/// The sentence `pmem info PATH` ends with.
let verdict (path: string) (mapping: PmemMapping) =
    if mapping.IsPmem then
        $"{path} maps as persistent memory: flush + drain make stores durable ({mapping.IsPmemReason})."
    else
        $"{path} does not map as persistent memory: Pmem makes stores durable with msync ({mapping.IsPmemReason})."

let private version () =
    let assembly = typeof<PmemMapping>.Assembly

    match assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>() with
    | null -> string (assembly.GetName().Version)
    | attribute -> attribute.InformationalVersion.Split('+').[0]

/// True when this user can open the file for reading.
let private readable (path: string) =
    try
        use _ = File.OpenRead path
        true
    with _ ->
        false

/// Prints the report; with a path, maps the file first (whole, as it is: nothing is written) and then also says what
/// it is. A path that cannot be mapped prints only the error.
let run (path: string option) =
    let header () =
        AnsiConsole.WriteLine $"Pmem {version ()} on {Runtime.InteropServices.RuntimeInformation.OSDescription}"
        AnsiConsole.Write(capabilitiesTable PmemCapabilities.Current)

    match path with
    | None ->
        header ()
        ExitCode.Ok
    | Some path when Directory.Exists path ->
        Output.fail "info" ExitCode.BadArguments $"{path} is a directory, not a file"
    | Some path ->
        match path |> Mapping.tryMapFile MapOptions.existing with
        | Error (PmemError.PermissionDenied _) when readable path ->
            // info writes nothing: a file this user may read but not write gets the report and what can be said.
            header ()
            let length = FileInfo(path).Length
            AnsiConsole.WriteLine(
                $"{path}: {length} bytes ({Output.bytes length}), readable but not writable by this user. Pmem maps "
                + "files read-write, so whether it maps as persistent memory cannot be checked without write access."
            )
            ExitCode.Ok
        | Error error -> Output.fail "info" (ExitCode.ofError error) (ExitCode.describe path error)
        | Ok mapping ->
            use mapping = mapping
            header ()
            AnsiConsole.Write(mappingTable mapping)
            AnsiConsole.WriteLine(verdict path mapping)
            ExitCode.Ok
