// Getting started with Pmem in F# Interactive, from the Pmem.FSharp package (docs/getting-started.md walks through it).
// Run:  dotnet fsi docs/examples/getting_started.fsx   with Pmem.FSharp on one of your package sources. To use a
// package you built (dotnet fsi build.fsx -t Pack), add  #i "nuget: <repository>/artifacts"  above the #r line and
// give the #r line its version: the Test target does exactly that with a freshly packed local feed.
#r "nuget: Pmem.FSharp"

open System
open System.IO
open System.Text
open Pmem.FSharp

// What Pmem chose on this machine (flush instruction, drain, copy path, eADR), and why.
printfn "%O" (Mapping.capabilities ())

let path = Path.Combine(Path.GetTempPath(), $"getting-started-{Guid.NewGuid():N}.pmem")

try
    do
        use log = path |> Mapping.mapFile (MapOptions.openOrCreate 4096L)
        printfn "mapped %s: is-pmem %b" path (Mapping.isPmem log)

        // One write, durable when the call returns (flush + drain on pmem, msync otherwise).
        let greeting = Encoding.UTF8.GetBytes "hello, persistent memory"
        log |> Mapping.copy 64L greeting

        // A durable plan: built now, run by the commit, which flushes each touched line once and drains once per group.
        let publish =
            durable {
                do! Durable.write 64L greeting                    // the data
                do! Durable.barrier                               // is durable before
                do! Durable.writeInt64 0L (int64 greeting.Length) // the 8-byte length that publishes it
                return greeting.Length
            }

        printf "%s" (Durable.renderOn log publish)

        match Durable.commit log publish with
        | Ok length -> printfn "committed: %d bytes published" length
        | Error e -> failwith (PmemError.describe e)

    // Map the file again and read what the commit made durable.
    use log = path |> Mapping.mapFile MapOptions.existing

    let readBack =
        durable {
            let! length = Durable.readInt64 0L
            let! bytes = Durable.read 64L (int length)
            return Encoding.UTF8.GetString bytes
        }

    match Durable.commit log readBack with
    | Ok text -> printfn "read back: %s" text
    | Error e -> failwith (PmemError.describe e)
finally
    File.Delete path
