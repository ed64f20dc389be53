/// Inference checks: each plan below must compile with the type stated, without annotations inside the builder.
/// The one test renders them (building and rendering a plan touches no mapping).
module Pmem.Tests.DurableInference

open System
open Expecto
open Pmem.FSharp
open Pmem.Tests.TestDsl

let private returnsValue: Durable<int> = durable { return 1 }

let private unitByDefault: Durable<unit> = durable { do! Durable.writeInt64 0L 1L }

let private readThenCompute: Durable<int64> =
    durable {
        let! a = Durable.readInt64 0L
        let! b = Durable.readInt32 8L
        return a + int64 b
    }

let private branchesAgree: Durable<string> =
    durable {
        let! flag = Durable.readByte 0L

        if flag = 0uy then
            return "empty"
        else
            do! Durable.writeByte 0L 0uy
            return "cleared"
    }

let private matchOverReads: Durable<Result<int64, string>> =
    durable {
        match! Durable.readInt64 0L with
        | 0L -> return Error "no tail"
        | tail -> return Ok tail
    }

/// A generic helper: the element type flows from the list to the plan.
let private writeAll (values: 'T list) (encode: 'T -> byte array) =
    durable {
        for i, value in List.indexed values do
            do! Durable.write (int64 i * 16L) (encode value)
    }

let private writesInts: Durable<unit> = writeAll [ 1; 2; 3 ] BitConverter.GetBytes

let private composes: Durable<int64 * string> =
    durable {
        let! sum = readThenCompute
        let! state = branchesAgree
        do! unitByDefault
        return sum, state
    }

let private spansAndMemory: Durable<unit> =
    let bytes = [| 1uy; 2uy; 3uy |]

    durable {
        do! Durable.writeSpan 0L (ReadOnlySpan bytes)
        do! Durable.writeMemory 8L (ReadOnlyMemory(bytes, 1, 2))
        do! Durable.fill 16L 8L 0uy
        do! Durable.barrier
    }

let private recursive: Durable<int64 list> =
    let rec readFrom offset acc =
        durable {
            if offset >= 64L then
                return List.rev acc
            else
                let! value = Durable.readInt64 offset
                return! readFrom (offset + 8L) (value :: acc)
        }

    readFrom 0L []

let private loopsAndResources: Durable<int> =
    durable {
        let count = ref 0

        while count.Value < 3 do
            do! Durable.writeInt32 (int64 count.Value * 4L) count.Value
            count.Value <- count.Value + 1

        use _ = { new IDisposable with member _.Dispose() = () }

        try
            do! Durable.barrier
        finally
            ()

        return count.Value
    }

let private pipelines: Durable<int64 list> =
    Durable.sequence [ Durable.readInt64 0L; Durable.readInt64 8L |> Durable.map ((+) 1L) ]

let tests =
    testList
        "durable inference"
        [ testCase "the inference-check plans build and render without a mapping"
          <| fun () ->
              let rendered =
                  [ Durable.render returnsValue
                    Durable.render unitByDefault
                    Durable.render readThenCompute
                    Durable.render branchesAgree
                    Durable.render matchOverReads
                    Durable.render writesInts
                    Durable.render composes
                    Durable.render spansAndMemory
                    Durable.render recursive
                    Durable.render loopsAndResources
                    Durable.render pipelines ]

              Expect.all rendered (fun text -> text.StartsWith "Durable plan on no mapping") "each renders"
              Expect.stringContains rendered[8] "Result: [0L; 0L; 0L; 0L; 0L; 0L; 0L; 0L]" "reads see zeros" ]
