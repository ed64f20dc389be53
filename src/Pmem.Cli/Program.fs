module Pmem.Cli.Program

open Argu
open Pmem

type InfoArgs =
    | [<MainCommand>] Path of path: string

    interface IArgParserTemplate with
        member this.Usage =
            match this with
            | Path _ -> "also report whether this file maps as persistent memory, and why."

type Command =
    | [<CliPrefix(CliPrefix.None)>] Info of ParseResults<InfoArgs>
    | [<SubCommand; CliPrefix(CliPrefix.None)>] Demo

    interface IArgParserTemplate with
        member this.Usage =
            match this with
            | Info _ -> "print the capability report: flush instruction, copy path, eADR, overrides, and why."
            | Demo -> "map a temporary file, write and persist a message, remap and read it back."

let private info (args: ParseResults<InfoArgs>) =
    printfn "%O" PmemCapabilities.Current
    match args.TryGetResult InfoArgs.Path with
    | None -> 0
    | Some path ->
        match PmemFile.TryMap(path, 0L, PmemFileFlags.None, PmemFile.DefaultMode) with
        | true, mapping, _ ->
            use mapping = mapping
            printfn "%s" (PmemCapabilities.Describe mapping)
            0
        | _, _, error ->
            eprintfn "pmem info: %s" error.Message
            3

[<EntryPoint>]
let main argv =
    let parser = ArgumentParser.Create<Command>(programName = "pmem")
    try
        let results = parser.ParseCommandLine(argv, raiseOnUsage = true)
        match results.GetSubCommand() with
        | Info args -> info args
        | Demo -> Demo.run ()
    with :? ArguParseException as e ->
        eprintfn "%s" e.Message
        if e.ErrorCode = ErrorCode.HelpText then 0 else 2
