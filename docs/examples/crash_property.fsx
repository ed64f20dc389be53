// A crash property with Pmem.Hedgehog: "after a power failure at any moment of an append, the log holds the old
// records or all of the new ones". Without a barrier between the records and the tail pointer the property fails
// and Hedgehog shrinks the failure to one record and the earliest crash; with Durable.barrier it passes.
// Run after a Release build:  dotnet fsi docs/examples/crash_property.fsx   (the Test target runs it)
#r "../../src/Pmem.Hedgehog/bin/Release/net10.0/Hedgehog.dll"
#r "../../src/Pmem.Hedgehog/bin/Release/net10.0/Pmem.Core.dll"
#r "../../src/Pmem.Hedgehog/bin/Release/net10.0/Pmem.FSharp.dll"
#r "../../src/Pmem.Hedgehog/bin/Release/net10.0/Pmem.Hedgehog.dll"

open System
open System.Buffers.Binary
open Hedgehog
open Hedgehog.FSharp
open Pmem.FSharp
open Pmem.Hedgehog

// The log: an 8-byte tail (bytes of records in use) alone on cache line 0, records from byte 64 (4-byte length, bytes).
let append (barrier: bool) (records: byte array list) =
    let starts = records |> List.scan (fun at (r: byte array) -> at + 4L + int64 r.Length) 0L

    durable {
        let! tail = Durable.readInt64 0L

        for start, record in List.zip (List.take records.Length starts) records do
            do! Durable.writeInt32 (64L + tail + start) record.Length
            do! Durable.write (64L + tail + start + 4L) record

        if barrier then
            do! Durable.barrier // the records are durable before the tail that publishes them is stored

        do! Durable.writeInt64 0L (tail + List.last starts)
    }

// Recovery reads the log out of a crash image: the records up to the tail, or None if the log makes no sense.
let readLog (image: byte array) : byte array list option =
    let stop = 64L + BinaryPrimitives.ReadInt64LittleEndian(ReadOnlySpan(image, 0, 8))

    let rec from (at: int64) acc =
        if at = stop then
            Some(List.rev acc)
        elif at + 4L > stop || stop > int64 image.Length then
            None
        else
            let length = int64 (BinaryPrimitives.ReadInt32LittleEndian(ReadOnlySpan(image, int at, 4)))

            if length < 0L || at + 4L + length > stop then
                None
            else
                from (at + 4L + length) (image[int at + 4 .. int (at + 3L + length)] :: acc)

    from 64L []

// For any records, every crash image of the append recovers to the empty log or to all the records.
let appendIsAtomic (barrier: bool) =
    property {
        let! records = Gen.list (Range.linear 1 4) (Gen.array (Range.linear 1 40) (Gen.byte (Range.constant 1uy 255uy)))
        let oldOrNew log = log = Some [] || log = Some records
        do! CrashProperty.forPlan readLog oldOrNew (Array.zeroCreate 1024) (append barrier records)
    }

let config = PropertyConfig.defaults |> PropertyConfig.withTests 300<tests>

// Without the barrier the tail can persist before the records it points at: the property fails.
let report = Property.reportWith config (appendIsAtomic false)
printfn "Without a barrier:\n%s" (Report.render report)

match report.Status with
| Failed _ -> ()
| _ -> failwith "the crash property should have caught the missing barrier"

// With the barrier it holds for every crash Hedgehog tries.
Property.checkWith config (appendIsAtomic true)
printfn "With Durable.barrier: every crash image recovers to the old or the new log."
