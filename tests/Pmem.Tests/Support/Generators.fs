/// Hedgehog generators for the copy properties.
module Pmem.Tests.Generators

open Hedgehog
open Hedgehog.FSharp
open Pmem

/// Any combination of the six defined flags.
let copyFlags = Gen.int32 (Range.constant 0 63) |> Gen.map enum<PmemCopyFlags>

/// A misalignment within a cache line.
let misalignment = Gen.int32 (Range.constant 0 63)

/// Mostly up to 64 KiB (shrinking towards 0), sometimes around a line or the threshold, sometimes a few MiB.
let copyLength =
    Gen.frequency
        [ 6, Gen.int32 (Range.linear 0 (64 * 1024))
          3, Gen.int32 (Range.constant 0 520)
          1, Gen.int32 (Range.linear (1024 * 1024) (3 * 1024 * 1024)) ]

/// A byte value for fills.
let fillValue = Gen.byte (Range.constantBounded ())
