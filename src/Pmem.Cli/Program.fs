module Pmem.Cli.Program

open System
open System.IO
open Argu

[<HelpFlags("--help", "-h")>]
type InfoArgs =
    | [<MainCommand; Unique>] Path of path: string

    interface IArgParserTemplate with
        member this.Usage =
            match this with
            | Path _ -> "also map this file (nothing is written) and say whether it is persistent memory, and why."

[<HelpFlags("--help", "-h")>]
type CopyArgs =
    | [<MainCommand; ExactlyOnce; Last>] Files of source: string * destination: string

    interface IArgParserTemplate with
        member this.Usage =
            match this with
            | Files _ -> "the file to copy, and the new file to create with its contents (it must not exist)."

// A new command is one case here, its usage line, one match arm in `main` and its options in `options`.
[<HelpFlags("--help", "-h")>]
type Command =
    | [<AltCommandLine("-V")>] Version
    | [<CliPrefix(CliPrefix.None)>] Info of ParseResults<InfoArgs>
    | [<CliPrefix(CliPrefix.None)>] Copy of ParseResults<CopyArgs>
    | [<SubCommand; CliPrefix(CliPrefix.None)>] Demo

    interface IArgParserTemplate with
        member this.Usage =
            match this with
            | Version -> "print the version of pmem and exit."
            | Info _ -> "print the capability report: flush instruction, drain, copy path, eADR, overrides, and why."
            | Copy _ -> "copy a file into a new one (persistent copies, one drain), with progress and throughput."
            | Demo -> "map a temporary file, write and persist a message, remap and read it back."

let private exitCodes () =
    let lines = ExitCode.all |> List.map (fun (code, meaning) -> $"    {code,3}  {meaning}")
    String.Join(Environment.NewLine, "EXIT CODES:" :: lines)

/// The options each command takes (Argu's own error for an unknown option before two file names blames the last
/// file name, so unknown options are found here first).
let private options (command: string option) =
    let help = [ "--help"; "-h" ]

    match command with
    | None -> help @ [ "--version"; "-V" ]
    | Some _ -> help

let private commands = [ "info"; "copy"; "demo" ]

/// The first argument that looks like an option but is not one of its command's, with that command.
let private unknownOption (argv: string array) =
    let rec scan (command: string option) (args: string list) =
        match args with
        | [] -> None
        | "--" :: _ -> None
        | arg :: rest when command.IsNone && List.contains arg commands -> scan (Some arg) rest
        | (arg: string) :: _ when arg.Length > 1 && arg.StartsWith '-' && not (List.contains arg (options command)) ->
            Some(command, arg)
        | _ :: rest -> scan command rest

    scan None (List.ofArray argv)

let private usageOf (parser: ArgumentParser<Command>) (command: string option) =
    match command with
    | Some "info" -> parser.GetSubCommandParser(<@ Info @>).PrintCommandLineSyntax()
    | Some "copy" -> parser.GetSubCommandParser(<@ Copy @>).PrintCommandLineSyntax()
    | _ -> parser.PrintCommandLineSyntax()

/// Bad arguments: the error, the usage line, where help is; exit code 2.
let private badArguments (parser: ArgumentParser<Command>) (command: string option) (message: string) =
    let name = command |> Option.map (sprintf " %s") |> Option.defaultValue ""
    eprintfn "pmem%s: %s" name message
    eprintfn "USAGE: %s" (usageOf parser command)
    eprintfn "Run 'pmem%s --help' for more, including the exit codes." name
    ExitCode.BadArguments

let private version () =
    let assembly = typeof<Pmem.PmemMapping>.Assembly

    match Reflection.CustomAttributeExtensions.GetCustomAttribute<Reflection.AssemblyInformationalVersionAttribute> assembly with
    | null -> string (assembly.GetName().Version)
    | attribute -> attribute.InformationalVersion.Split('+').[0]

let private run (parser: ArgumentParser<Command>) (results: ParseResults<Command>) =
    match results.TryGetSubCommand() with
    | Some Version ->
        printfn "pmem %s" (version ())
        ExitCode.Ok
    | Some (Info args) ->
        match args.TryGetResult InfoArgs.Path with
        | Some "" -> badArguments parser (Some "info") "the path is empty"
        | path -> Info.run path
    | Some (Copy args) ->
        let source, destination = args.GetResult CopyArgs.Files

        match Copy.run source destination with
        | ExitCode.BadArguments ->
            eprintfn "USAGE: %s" (usageOf parser (Some "copy"))
            ExitCode.BadArguments
        | code -> code
    | Some Demo -> Demo.run ()
    | None when results.Contains Version ->
        printfn "pmem %s" (version ())
        ExitCode.Ok
    | None -> badArguments parser None "no command given"

[<EntryPoint>]
let main argv =
    Output.configure ()
    // A write past `ulimit -f` then fails with EFBIG (exit code 5) instead of SIGXFSZ killing the process.
    Staging.ignoreFileSizeSignal ()
    let parser = ArgumentParser.Create<Command>(programName = "pmem")

    match unknownOption argv with
    | Some (command, option) -> badArguments parser command $"unknown option '{option}'"
    | None ->
        try
            let results = parser.ParseCommandLine(argv, raiseOnUsage = true)
            run parser results
        with :? ArguParseException as e ->
            if e.ErrorCode = ErrorCode.HelpText then
                printfn "%s" e.Message
                printfn "%s" (exitCodes ())
                ExitCode.Ok
            else
                eprintfn "%s" e.Message
                ExitCode.BadArguments
