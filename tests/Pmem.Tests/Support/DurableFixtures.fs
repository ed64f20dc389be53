/// What the Durable test files share: an 8 KiB file per case and a byte comparison that names the first difference.
module Pmem.Tests.DurableFixtures

open System
open System.IO
open Expecto
open Pmem
open Pmem.FSharp
open Pmem.Tests.TestDsl

/// Two pages, 128 lines.
let size = 8192L

/// Compares mapping contents with the model, naming the first differing offset instead of printing 8 KiB.
let sameBytes (label: string) (actual: byte array) (expected: byte array) =
    if actual <> expected then
        let first = Seq.zip actual expected |> Seq.findIndex (fun (a, e) -> a <> e)
        failtestf "%s: bytes differ first at offset %d (actual %02X, expected %02X)" label first actual[first] expected[first]

/// A simulator's events as comparable text (a Store holds its bytes as an array).
let eventShape (events: Pmem.Simulation.PmemEvent seq) =
    events
    |> Seq.map (function
        | :? Pmem.Simulation.PmemEvent.Store as store -> $"store {store.Offset} {Convert.ToHexString store.Bytes} nt={store.NonTemporal}"
        | :? Pmem.Simulation.PmemEvent.Flush as flush -> $"flush {flush.Offset} {flush.Length}"
        | :? Pmem.Simulation.PmemEvent.Fence -> "fence"
        | other -> string other)
    |> List.ofSeq

/// Commit options worth trying on every commit path: the default, no final drain, streamed and ordinary stores.
let optionsToTry =
    [ CommitOptions.defaults
      { CommitOptions.defaults with FinalDrain = false }
      { CommitOptions.defaults with Stores = StoreHint.NonTemporal }
      { Stores = StoreHint.Temporal; FinalDrain = false } ]

/// Every byte of a target.
let bytesOf (target: IPmemTarget) =
    let bytes = Array.zeroCreate (int target.Length)
    target.Read(0L, Span bytes)
    bytes

let contents (mapping: PmemMapping) = Mapping.read 0L size mapping

/// A fresh file of `size` bytes in dir holding `initial`, given to body, then removed.
let withFile (dir: TempDir) (initial: byte array) (body: PmemMapping -> string -> 'a) =
    let path = dir.File $"{Guid.NewGuid():N}.pmem"

    try
        let mapping = path |> Mapping.mapFile (MapOptions.create size)

        try
            Mapping.copy 0L initial mapping
            body mapping path
        finally
            mapping.Dispose()
    finally
        File.Delete path

/// Two fresh zeroed files of `size` bytes (in a fresh directory), given to body, then removed.
let withTwoFiles (body: PmemMapping -> PmemMapping -> 'a) =
    use dir = shmDir ()
    withFile dir (Array.zeroCreate (int size)) (fun first _ -> withFile dir (Array.zeroCreate (int size)) (fun second _ -> body first second))
