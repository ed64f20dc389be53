/// Durable plans as data: generators that stay inside a mapping by construction, the Durable plan each op list
/// stands for, and the byte[] model a commit must agree with.
module Pmem.Tests.DurableModel

open System
open System.Buffers.Binary
open Hedgehog
open Hedgehog.FSharp
open Pmem.FSharp

/// One step of a generated plan.
type PlanOp =
    | Write of offset: int64 * bytes: byte array
    | WriteInt32 of offset: int64 * value: int32
    | WriteInt64 of offset: int64 * value: int64
    | Fill of offset: int64 * length: int64 * value: byte
    | ReadBytes of offset: int64 * length: int
    | ReadInt64 of offset: int64
    | Barrier

/// What a read inside a plan returned.
type ReadValue =
    | Bytes of byte array
    | Int64 of int64

/// The plan an op list stands for: each op in order, returning the values its reads saw.
let toPlan (ops: PlanOp list) : Durable<ReadValue list> =
    durable {
        let seen = ResizeArray()

        for op in ops do
            match op with
            | Write (offset, bytes) -> do! Durable.write offset bytes
            | WriteInt32 (offset, value) -> do! Durable.writeInt32 offset value
            | WriteInt64 (offset, value) -> do! Durable.writeInt64 offset value
            | Fill (offset, length, value) -> do! Durable.fill offset length value
            | ReadBytes (offset, length) ->
                let! bytes = Durable.read offset length
                seen.Add(Bytes bytes)
            | ReadInt64 offset ->
                let! value = Durable.readInt64 offset
                seen.Add(Int64 value)
            | Barrier -> do! Durable.barrier

        return List.ofSeq seen
    }

/// Applies the ops to <paramref name="image"/> in place, returning what the reads saw.
let applyModel (image: byte array) (ops: PlanOp list) =
    [ for op in ops do
          match op with
          | Write (offset, bytes) -> bytes.CopyTo(Span(image, int offset, bytes.Length))
          | WriteInt32 (offset, value) -> BinaryPrimitives.WriteInt32LittleEndian(Span(image, int offset, 4), value)
          | WriteInt64 (offset, value) -> BinaryPrimitives.WriteInt64LittleEndian(Span(image, int offset, 8), value)
          | Fill (offset, length, value) -> Span(image, int offset, int length).Fill value
          | ReadBytes (offset, length) -> yield Bytes(Array.sub image (int offset) length)
          | ReadInt64 offset -> yield Int64(BinaryPrimitives.ReadInt64LittleEndian(ReadOnlySpan(image, int offset, 8)))
          | Barrier -> () ]

/// The byte range an op writes, if it writes.
let written op =
    match op with
    | Write (offset, bytes) -> Some(offset, int64 bytes.Length)
    | WriteInt32 (offset, _) -> Some(offset, 4L)
    | WriteInt64 (offset, _) -> Some(offset, 8L)
    | Fill (offset, length, _) -> Some(offset, length)
    | ReadBytes _
    | ReadInt64 _
    | Barrier -> None

/// The ops split at barriers: one list of non-empty written ranges per group that writes something.
let groups (ops: PlanOp list) =
    let close current acc =
        if List.isEmpty current then acc else List.rev current :: acc

    let rec go ops current acc =
        match ops with
        | [] -> List.rev (close current acc)
        | Barrier :: rest -> go rest [] (close current acc)
        | op :: rest ->
            match written op with
            | Some (offset, length) when length > 0L -> go rest ((offset, length) :: current) acc
            | _ -> go rest current acc

    go ops [] []

/// Units (lines or pages) a range touches.
let units (size: int64) (offset: int64, length: int64) =
    [ offset / size .. (offset + length - 1L) / size ]

/// Sorted distinct units as maximal runs (first, count).
let runs (sortedUnits: int64 list) =
    sortedUnits
    |> List.fold
        (fun acc u ->
            match acc with
            | (first, count) :: rest when first + count = u -> (first, count + 1L) :: rest
            | _ -> (u, 1L) :: acc)
        []
    |> List.rev

// Generators: every offset and length inside a mapping of `size` bytes by construction.

let private offsetFor (size: int64) (width: int64) =
    Gen.int64 (Range.linear 0L (size - width))

let private bytesUpTo (maxLength: int) =
    Gen.array (Range.linear 0 maxLength) (Gen.byte (Range.constantBounded ()))

/// Writes up to 600 bytes (so both ordinary and non-temporal paths are taken), scalars, fills, reads, barriers.
let genOp (size: int64) : Gen<PlanOp> =
    let write =
        gen {
            let! offset = offsetFor size 1L
            let! bytes = bytesUpTo (int (min 600L (size - offset)))
            return Write(offset, bytes)
        }

    let fill =
        gen {
            let! offset = offsetFor size 1L
            let! length = Gen.int64 (Range.linear 0L (min 1000L (size - offset)))
            let! value = Gen.byte (Range.constantBounded ())
            return Fill(offset, length, value)
        }

    let readBytes =
        gen {
            let! offset = offsetFor size 1L
            let! length = Gen.int32 (Range.linear 0 (int (min 200L (size - offset))))
            return ReadBytes(offset, length)
        }

    Gen.frequency
        [ 4, write
          2, Gen.map2 (fun o v -> WriteInt32(o, v)) (offsetFor size 4L) (Gen.int32 (Range.constantBounded ()))
          3, Gen.map2 (fun o v -> WriteInt64(o, v)) (offsetFor size 8L) (Gen.int64 (Range.constantBounded ()))
          1, fill
          2, readBytes
          2, Gen.map ReadInt64 (offsetFor size 8L)
          1, Gen.constant Barrier ]

/// A plan of up to 40 ops.
let genOps (size: int64) = Gen.list (Range.linear 0 40) (genOp size)

/// A write that does not fit: past the end (possibly straddling it) or at a negative offset.
let genOutOfRange (size: int64) : Gen<PlanOp> =
    let pastEnd =
        gen {
            let! length = Gen.int32 (Range.linear 1 100)
            let! offset = Gen.int64 (Range.linear (size - int64 length + 1L) (size + 200L))
            return Write(offset, Array.create length 0x5Auy)
        }

    let scalarPastEnd =
        Gen.map (fun o -> WriteInt64(o, -1L)) (Gen.int64 (Range.linear (size - 7L) (size + 64L)))

    let negative =
        Gen.map (fun o -> Fill(o, 8L, 0xFFuy)) (Gen.int64 (Range.linear -1L -4096L))

    Gen.choice [ pastEnd; scalarPastEnd; negative ]

/// Initial contents: a byte pattern from a seed (so reads see something other than zeros).
let initialImage (size: int64) (seed: int) =
    let image = Array.zeroCreate<byte> (int size)
    System.Random(seed).NextBytes image
    image
