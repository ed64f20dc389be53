module Pmem.Cli.Program

open System
open System.IO
open Argu

type InfoArgs =
    | [<MainCommand>] Path of path: string

    interface IArgParserTemplate with
        member this.Usage =
            match this with
            | Path _ -> "also map this file (nothing is written) and say whether it is persistent memory, and why."

type CopyArgs =
    | [<MainCommand; ExactlyOnce; Last>] Files of source: string * destination: string

    interface IArgParserTemplate with
        member this.Usage =
            match this with
            | Files _ -> "the file to copy, and the new file to create with its contents (it must not exist)."

type BenchArgs =
    | Quick
    | No_Peer
    | Filter of text: string
    | Output of directory: string

    interface IArgParserTemplate with
        member this.Usage =
            match this with
            | Quick -> "the quick run (under 3 minutes): cold rows and hot persists, 9 rounds."
            | No_Peer -> "run without the C peer (C libpmem called from C); the report says loudly that it is missing."
            | Filter _ -> "only operations whose name contains this text, e.g. memcpy."
            | Output _ -> "where to write the CSV files, perf.md and the chart (default: the checkout's bench/results and docs)."

// A new command is one case here, its usage line, and one match arm in `main`.
type Command =
    | [<CliPrefix(CliPrefix.None)>] Info of ParseResults<InfoArgs>
    | [<CliPrefix(CliPrefix.None)>] Copy of ParseResults<CopyArgs>
    | [<SubCommand; CliPrefix(CliPrefix.None)>] Demo
    | [<CliPrefix(CliPrefix.None)>] Bench of ParseResults<BenchArgs>

    interface IArgParserTemplate with
        member this.Usage =
            match this with
            | Info _ -> "print the capability report: flush instruction, drain, copy path, eADR, overrides, and why."
            | Copy _ -> "copy a file into a new one (persistent copies, one drain), with progress and throughput."
            | Demo -> "map a temporary file, write and persist a message, remap and read it back."
            | Bench _ -> "measure Pmem against C libpmem side by side, inside a Pmem checkout (gcc and libpmem-dev for the C peer)."

let private exitCodes () =
    let lines = ExitCode.all |> List.map (fun (code, meaning) -> $"    {code}  {meaning}")
    String.Join(Environment.NewLine, "EXIT CODES:" :: lines)

[<EntryPoint>]
let main argv =
    Output.configure ()
    let parser = ArgumentParser.Create<Command>(programName = "pmem")

    try
        let results = parser.ParseCommandLine(argv, raiseOnUsage = true)

        match results.TryGetSubCommand() with
        | Some (Info args) -> Info.run (args.TryGetResult InfoArgs.Path)
        | Some (Copy args) ->
            let source, destination = args.GetResult CopyArgs.Files
            Copy.run source destination
        | Some Demo -> Demo.run ()
        | Some (Bench args) ->
            Bench.run (
                [ if args.Contains Quick then "--quick"
                  if args.Contains No_Peer then "--no-peer"
                  match args.TryGetResult Filter with
                  | Some text -> yield! [ "--filter"; text ]
                  | None -> ()
                  match args.TryGetResult Output with
                  | Some directory -> yield! [ "--output"; Path.GetFullPath directory ]
                  | None -> () ]
            )
        | None ->
            eprintfn "%s" (parser.PrintUsage(message = "pmem: no command given."))
            eprintfn "%s" (exitCodes ())
            ExitCode.BadArguments
    with :? ArguParseException as e ->
        if e.ErrorCode = ErrorCode.HelpText then
            printfn "%s" e.Message
            printfn "%s" (exitCodes ())
            ExitCode.Ok
        else
            eprintfn "%s" e.Message
            ExitCode.BadArguments
