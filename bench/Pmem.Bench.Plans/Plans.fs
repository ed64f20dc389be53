/// Plans for the benchmark's "Pmem F# commit" rows, built the way a user builds them: a durable { } per operation.
module Pmem.Bench.Plans

open System
open Pmem.FSharp

/// 8-byte writes of value at baseOffset + each of offsets, made durable by one commit (each touched line flushed
/// once, one drain).
let scatter (baseOffset: int64) (offsets: int64[]) (value: int64) =
    durable {
        for offset in offsets do
            do! Durable.writeInt64 (baseOffset + offset) value
    }

/// One write of source at offset, made durable by one commit.
let copy (offset: int64) (source: ReadOnlyMemory<byte>) = durable { do! Durable.writeMemory offset source }

/// One fill of length bytes at offset, made durable by one commit.
let fill (offset: int64) (length: int64) (value: byte) = durable { do! Durable.fill offset length value }

/// One 8-byte write (the F# side of "store + Persist(o, 8)").
let one (offset: int64) (value: int64) = durable { do! Durable.writeInt64 offset value }

/// A log append: the record, a barrier, then the 8-byte tail that publishes it.
let append (recordOffset: int64) (record: ReadOnlyMemory<byte>) (tailOffset: int64) (tail: int64) =
    durable {
        do! Durable.writeMemory recordOffset record
        do! Durable.barrier
        do! Durable.writeInt64 tailOffset tail
    }

// The F# rows commit from F#, as an F# user's code does: Durable.commit is inline, so the plan is committed where it
// was built (a C# caller receives it from a call and passes a copy).

/// Commits `one`.
let commitOne (mapping: Pmem.PmemMapping) (offset: int64) (value: int64) = Durable.commit mapping (one offset value)

/// Commits `append`.
let commitAppend (mapping: Pmem.PmemMapping) (recordOffset: int64) (record: ReadOnlyMemory<byte>) (tailOffset: int64) (tail: int64) =
    Durable.commit mapping (append recordOffset record tailOffset tail)

/// Commits `scatter`.
let commitScatter (mapping: Pmem.PmemMapping) (baseOffset: int64) (offsets: int64[]) (value: int64) =
    Durable.commit mapping (scatter baseOffset offsets value)

/// Commits `fill`.
let commitFill (mapping: Pmem.PmemMapping) (offset: int64) (length: int64) (value: byte) = Durable.commit mapping (fill offset length value)

/// Commits `copy`.
let commitCopy (mapping: Pmem.PmemMapping) (offset: int64) (source: ReadOnlyMemory<byte>) = Durable.commit mapping (copy offset source)

// The same plans committed where they are written (Durable.committing): no plan value, no allocation.

/// `one`, committed where it is written.
let committingOne (mapping: Pmem.PmemMapping) (offset: int64) (value: int64) =
    Durable.committing mapping { do! Durable.writeInt64 offset value }

/// `append`, committed where it is written.
let committingAppend (mapping: Pmem.PmemMapping) (recordOffset: int64) (record: ReadOnlyMemory<byte>) (tailOffset: int64) (tail: int64) =
    Durable.committing mapping {
        do! Durable.writeMemory recordOffset record
        do! Durable.barrier
        do! Durable.writeInt64 tailOffset tail
    }

/// `scatter`, committed where it is written.
let committingScatter (mapping: Pmem.PmemMapping) (baseOffset: int64) (offsets: int64[]) (value: int64) =
    Durable.committing mapping {
        for offset in offsets do
            do! Durable.writeInt64 (baseOffset + offset) value
    }

/// `fill`, committed where it is written.
let committingFill (mapping: Pmem.PmemMapping) (offset: int64) (length: int64) (value: byte) =
    Durable.committing mapping { do! Durable.fill offset length value }

/// `copy`, committed where it is written.
let committingCopy (mapping: Pmem.PmemMapping) (offset: int64) (source: ReadOnlyMemory<byte>) =
    Durable.committing mapping { do! Durable.writeMemory offset source }
