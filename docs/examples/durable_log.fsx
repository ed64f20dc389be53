// An append-only log with durable { }: records are written, a barrier makes them durable, then the tail pointer that
// publishes them is written; one commit flushes each touched cache line once. The log is then reopened and read back.
// Run after a Release build:  dotnet fsi docs/examples/durable_log.fsx   (the Test target runs it)
#r "../../src/Pmem.FSharp/bin/Release/net10.0/Pmem.Core.dll"
#r "../../src/Pmem.FSharp/bin/Release/net10.0/Pmem.FSharp.dll"

open System
open System.IO
open System.Text
open Pmem.FSharp

// Layout: an 8-byte tail (bytes of records in use) on its own cache line, then records: 4-byte length + UTF-8 text.
let tailOffset = 0L
let recordsStart = 64L

/// Appends records after the tail. The barrier orders the commit: the records are durable before the tail moves,
/// and the tail is one aligned 8-byte store, so after a crash the log holds all of them or none.
let append (records: string list) =
    durable {
        let! tail = Durable.readInt64 tailOffset
        let payloads = records |> List.map Encoding.UTF8.GetBytes
        let starts = payloads |> List.scan (fun at p -> at + 4L + int64 p.Length) (recordsStart + tail)

        for at, payload in List.zip (List.take payloads.Length starts) payloads do
            do! Durable.writeInt32 at payload.Length
            do! Durable.write (at + 4L) payload

        do! Durable.barrier
        do! Durable.writeInt64 tailOffset (List.last starts - recordsStart)
        return payloads.Length
    }

/// Appends one record, committed where it is written: the steps `append [ record ]` commits, with no plan value made
/// first, so the commit allocates nothing (the hot path of a log: a commit per append).
let appendOne (log: Pmem.PmemMapping) (record: string) =
    let payload = Encoding.UTF8.GetBytes record

    Durable.committing log {
        let! tail = Durable.readInt64 tailOffset
        let at = recordsStart + tail
        do! Durable.writeInt32 at payload.Length
        do! Durable.write (at + 4L) payload
        do! Durable.barrier
        do! Durable.writeInt64 tailOffset (tail + 4L + int64 payload.Length)
    }

/// Reads every record up to the tail (a plan without writes: committing it only reads).
let readAll =
    durable {
        let! tail = Durable.readInt64 tailOffset

        let rec from at acc =
            durable {
                if at >= recordsStart + tail then
                    return List.rev acc
                else
                    let! length = Durable.readInt32 at
                    let! payload = Durable.read (at + 4L) length
                    return! from (at + 4L + int64 length) (Encoding.UTF8.GetString payload :: acc)
            }

        return! from recordsStart []
    }

let path = Path.Combine(Path.GetTempPath(), $"durable-log-{Guid.NewGuid():N}.pmem")

try
    do
        use log = path |> Mapping.mapFile (MapOptions.openOrCreate 4096L)
        // What the commit will do: the writes, the barrier, each flush and drain (nothing is written by render).
        printf "%s" (append [ "alpha"; "beta"; "gamma" ] |> Durable.renderOn log)

        match append [ "alpha"; "beta"; "gamma" ] |> Durable.commit log with
        | Ok count -> printfn "appended %d records" count
        | Error e -> failwith (PmemError.describe e)

        match appendOne log "delta" with
        | Ok() -> printfn "appended 1 record"
        | Error e -> failwith (PmemError.describe e)

    // Reopen: what the commits made durable is in the file.
    use log = path |> Mapping.mapFile MapOptions.existing

    match readAll |> Durable.commit log with
    | Ok records ->
        printfn "read back %d records: %s" records.Length (String.Join(", ", records))

        if records <> [ "alpha"; "beta"; "gamma"; "delta" ] then
            failwith "the log does not hold what was appended"
    | Error e -> failwith (PmemError.describe e)
finally
    File.Delete path
