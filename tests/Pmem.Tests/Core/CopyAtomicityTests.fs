/// libpmem's guarantee: when the destination and the length are multiples of 8, no store is narrower than 8 bytes.
/// Observed directly: a second thread reads every aligned 8-byte word while copies and fills rewrite them between
/// two values whose bytes all differ; a word mixing the two was written in pieces. A byte-by-byte writer run first
/// shows the reader can catch such a word on this machine (otherwise the test is skipped, not passed).
module Pmem.Tests.CopyAtomicityTests

#nowarn "9" // native pointers: the reader and the engines work on raw addresses

open System
open System.Diagnostics
open System.Threading
open Expecto
open Microsoft.FSharp.NativeInterop
open Pmem
open Pmem.Tests.TestDsl
open Pmem.Tests.CopyFixtures

let private wordA = 0xAAAAAAAAAAAAAAAAUL
let private wordB = 0x5555555555555555UL
let private regionBytes = 4096

/// Another thread that reads, over and over, the aligned words of two windows of the region (which the writer
/// moves to the range it is about to hammer) and counts words that are neither all A nor all B.
type private Reader(region: NativeBuffer) =
    let words = NativePtr.ofNativeInt<uint64> (NativePtr.toNativeInt region.Address)
    let windows = [| 0; 0; 0; 0 |] // first word and word count of each window
    let mutable stop = 0
    let mutable torn = 0
    let mutable scans = 0L
    let mutable example = 0UL
    let started = new ManualResetEventSlim(false)

    let scan (first: int) (count: int) =
        for i in first .. first + count - 1 do
            let w = Volatile.Read(NativePtr.toByRef (NativePtr.add words i))

            if w <> wordA && w <> wordB then
                example <- w
                Interlocked.Increment(&torn) |> ignore

    let thread =
        Thread(
            (fun () ->
                started.Set()

                while Volatile.Read(&stop) = 0 do
                    scan (Volatile.Read(&windows[0])) (Volatile.Read(&windows[1]))
                    scan (Volatile.Read(&windows[2])) (Volatile.Read(&windows[3]))
                    Volatile.Write(&scans, scans + 1L)),
            IsBackground = true
        )

    do
        thread.Start()
        started.Wait()

    /// Watch the first and the last 64 bytes of [offset, offset + length): the partial lines, where stores
    /// narrower than a line are made (whole lines in between are single 64-byte stores or groups of 8-byte ones).
    member _.Window(offset: int, length: int) =
        let headEnd = min (offset + length) (offset + 64)
        let tailStart = max offset (offset + length - 64)
        Volatile.Write(&windows[1], 0)
        Volatile.Write(&windows[3], 0)
        Volatile.Write(&windows[0], offset / 8)
        Volatile.Write(&windows[2], tailStart / 8)
        Volatile.Write(&windows[1], (headEnd - offset) / 8)
        Volatile.Write(&windows[3], (offset + length - tailStart) / 8)

    member _.Torn = Volatile.Read(&torn)
    member _.Scans = Volatile.Read(&scans)
    member _.Example = example

    interface IDisposable with
        member _.Dispose() =
            Volatile.Write(&stop, 1)
            thread.Join()
            started.Dispose()

/// Whether the reader catches words written byte by byte on this machine (up to 3 seconds of trying).
let private readerCatchesByteStores (region: NativeBuffer) =
    region.Span.Fill 0xAAuy
    use reader = new Reader(region)
    reader.Window(0, 64)
    let clock = Stopwatch.StartNew()
    let mutable round = 0

    while reader.Torn = 0 && clock.Elapsed.TotalSeconds < 3.0 do
        let value = if round % 2 = 0 then 0x55uy else 0xAAuy

        for i in 0..63 do
            NativePtr.set region.Address i value

        round <- round + 1

    reader.Torn > 0

/// 8-byte aligned ranges: offsets in a line from 0 to 56, lengths from one word to many lines, so heads and tails
/// of 8 to 56 bytes occur, alone and around whole lines.
let private ranges =
    [ for offset in [ 0; 8; 24; 48; 56 ] do
          for length in [ 8; 16; 24; 40; 56; 64; 72; 120; 136; 264; 1048 ] -> offset, length ]

/// Each range is rewritten (alternating A and B) at least this many times ...
let private minWrites = 2000

/// ... and until the reader has scanned its windows this many times meanwhile (on a loaded machine the reader
/// thread may not run at all for a while; observation is counted, not assumed) ...
let private minScans = 10000L

/// ... unless this much time has gone by.
let private maxSecondsPerRange = 0.015

let private noTornWordsWith (v: Variant) (config: ResolvedConfig) =
    use region = new NativeBuffer(regionBytes)
    use sourceA = new NativeBuffer(regionBytes)
    use sourceB = new NativeBuffer(regionBytes)
    sourceA.Span.Fill 0xAAuy
    sourceB.Span.Fill 0x55uy

    if not (readerCatchesByteStores region) then
        skip "a second thread never saw a word half written even by byte stores: no concurrency to observe here"

    region.Span.Fill 0xAAuy
    use reader = new Reader(region)

    for name, flags in pathFlags do
        for op in [ "copy"; "fill" ] do
            for offset, length in ranges do
                reader.Window(offset, length)
                let before = reader.Torn
                let scansBefore = reader.Scans
                let clock = Stopwatch.StartNew()
                let mutable round = 0

                while round < minWrites
                      || (reader.Scans - scansBefore < minScans && clock.Elapsed.TotalSeconds < maxSecondsPerRange) do
                    let toB = round % 2 = 0
                    round <- round + 1

                    if op = "copy" then
                        let source = if toB then sourceB else sourceA

                        CopyEngine.Memmove(config, region.At offset, source.At offset, unativeint length, flags)
                        |> ignore
                    else
                        let value = if toB then 0x55uy else 0xAAuy

                        CopyEngine.Memset(config, region.At offset, value, unativeint length, flags)
                        |> ignore

                if reader.Torn > before then
                    failtestf
                        "%s %s %s of %d B at +%d: a reader saw %d torn 8-byte words, e.g. 0x%016x"
                        v.Name
                        name
                        op
                        length
                        offset
                        (reader.Torn - before)
                        reader.Example

let private noTornWords (v: Variant) = noTornWordsWith v (configFor v)

/// Every call split across 4 threads (threshold 0): pieces meet on line boundaries, so no aligned word is shared.
let private noTornWordsSplit (v: Variant) =
    configFor v |> ignore
    noTornWordsWith v (ResolvedConfig.Create(optionsWith v (Nullable 4) (Nullable 0L)))

let tests =
    testSequenced
    <| testList
        "8-byte store guarantee: a concurrent reader never sees an aligned word half written"
        [ for v in [ variant Avx512 Clwb; variant Avx Clwb; variant Sse2 Clwb; variant Generic Clwb ] do
              yield testCase v.Name (fun () -> noTornWords v)
          yield testCase "AVX-512 CLWB, every call split across 4 threads" (fun () -> noTornWordsSplit (variant Avx512 Clwb)) ]
