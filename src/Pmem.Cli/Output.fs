/// Console set-up shared by the commands.
module internal Pmem.Cli.Output

open System
open Spectre.Console

/// When output goes to a file or a pipe there is no terminal width to respect: render wide, so that tables and
/// sentences stay on one line each in logs instead of wrapping at Spectre's default of 80 columns.
/// Box-drawing characters only on a terminal whose locale is UTF-8 (LC_ALL, else LC_CTYPE, else LANG); elsewhere
/// (a file, a pipe, a C or Latin-1 terminal) tables are drawn in ASCII.
let configure () =
    if Console.IsOutputRedirected then
        AnsiConsole.Profile.Width <- 240

    let locale =
        [ "LC_ALL"; "LC_CTYPE"; "LANG" ]
        |> List.tryPick (fun name -> Environment.GetEnvironmentVariable name |> Option.ofObj |> Option.filter ((<>) ""))
        |> Option.defaultValue ""
        |> _.ToUpperInvariant()

    let utf8 = locale.Contains "UTF-8" || locale.Contains "UTF8"
    AnsiConsole.Profile.Capabilities.Unicode <- utf8 && not Console.IsOutputRedirected

/// The border of a table: rounded box drawing where the output shows it, ASCII elsewhere (see configure).
let border () : TableBorder =
    if AnsiConsole.Profile.Capabilities.Unicode then TableBorder.Rounded else TableBorder.Ascii

/// Writes an error for <paramref name="command"/> to standard error and returns <paramref name="code"/>.
let fail (command: string) (code: int) (message: string) =
    eprintfn "pmem %s: %s" command message
    code

/// "12.3 MiB"-style size.
let bytes (count: int64) =
    let units = [| "B"; "KiB"; "MiB"; "GiB"; "TiB" |]
    let rec scale (value: float) unit =
        if value >= 1024.0 && unit < units.Length - 1 then scale (value / 1024.0) (unit + 1) else value, unit

    match scale (float count) 0 with
    | value, 0 -> $"{int64 value} B"
    | value, unit -> $"{value:F1} {units[unit]}"
