/// The persistent copy engine against Span.CopyTo / Span.Fill: sweeps of every misalignment and tail, overlapping
/// moves both ways, guard pages, generated sizes up to a few MiB, for every forced width and flush flavour.
module Pmem.Tests.CopyTests

#nowarn "9" // native pointers: the engines under test take raw addresses

open System
open Expecto
open Hedgehog
open Hedgehog.FSharp
open Microsoft.FSharp.NativeInterop
open Pmem
open Pmem.Tests.TestDsl
open Pmem.Tests.CopyFixtures

/// Lengths around one line and around the default threshold: every tail 0..63 of 0, 1 and 3-4 lines.
let private sweepLengths = [ 0..127 ] @ [ 192..319 ]

let private someSourceMisalignments = [ 0; 1; 15; 32; 63 ]

let private sweepMoves (v: Variant) (sourceMisalignments: int list) =
    let config = configFor v
    use rig = new MoveRig(320)

    for name, flags in pathFlags do
        for length in sweepLengths do
            for dm in 0..63 do
                for sm in sourceMisalignments do
                    rig.Copy(config, flags, dm, sm, length)
                    |> expectSame (fun () -> $"{v.Name} {name}: copy of {length} B, dest+{dm}, src+{sm}")

let private sweepFills (v: Variant) =
    let config = configFor v
    use rig = new MoveRig(320)

    for name, flags in pathFlags do
        for length in sweepLengths do
            for dm in 0..63 do
                rig.Fill(config, flags, dm, 0xA5uy, length)
                |> expectSame (fun () -> $"{v.Name} {name}: fill of {length} B, dest+{dm}")

/// Every destination misalignment × every source misalignment × every tail, for lengths 64+tail (temporal by the
/// threshold) and 256+tail (non-temporal by the threshold).
let private fullMisalignmentSweep (v: Variant) =
    let config = configFor v
    use rig = new MoveRig(320)

    for lengthBase in [ 64; 256 ] do
        for tail in 0..63 do
            for dm in 0..63 do
                for sm in 0..63 do
                    let length = lengthBase + tail

                    rig.Copy(config, PmemCopyFlags.NoDrain, dm, sm, length)
                    |> expectSame (fun () -> $"{v.Name}: copy of {length} B, dest+{dm}, src+{sm}")

/// Lengths that run the 12-line write-combining loop once, twice, and leave every kind of remainder.
let private wcLengths = [ 700..900 ] @ [ 1530..1600 ]

let private sweepWcLoop (v: Variant) =
    let config = configFor v
    use rig = new MoveRig(1600)
    let flags = PmemCopyFlags.NonTemporal ||| PmemCopyFlags.NoDrain

    for length in wcLengths do
        for dm in 0..63 do
            rig.Copy(config, flags, dm, (dm * 5) % 64, length)
            |> expectSame (fun () -> $"{v.Name}: non-temporal copy of {length} B, dest+{dm}")

            rig.Fill(config, flags, dm, 0x3Cuy, length)
            |> expectSame (fun () -> $"{v.Name}: non-temporal fill of {length} B, dest+{dm}")

let private overlapDistances =
    [ 1..130 ] @ [ 255; 256; 257; 511; 767; 768; 769; 1000; 4095; 4097 ]
    |> List.collect (fun d -> [ d; -d ])

let private overlapLengths = [ 0..130 ] @ [ 250..330 ] @ [ 767; 768; 769; 1600; 4100; 5000; 9000 ]

let private sweepOverlaps (v: Variant) =
    let config = configFor v
    use rig = new OverlapRig(24 * 1024)

    for name, flags in pathFlags do
        for distance in overlapDistances do
            for length in overlapLengths do
                let src = 8192 + (abs distance * 7 + length) % 64
                let dest = src + distance

                rig.Move(config, flags, src, dest, length)
                |> expectSame (fun () -> $"{v.Name} {name}: move of {length} B by {distance} (src {src})")

/// Runs of 0..40 whole lines (every combination of the 16-, 8-, 4-, 2- and 1-line blocks of the line loops), bare
/// or with a partial line after them.
let private blockLengths = [ for lines in 0..40 do for tail in [ 0; 8; 37 ] -> lines * 64 + tail ]

/// Overlaps shorter than, equal to and longer than one line, and inside and just around one 16-line block.
let private blockDistances = [ 64; 200; 1000; 1024; 1025 ] |> List.collect (fun d -> [ d; -d ])

let private sweepBlocks (v: Variant) =
    let config = configFor v
    use rig = new MoveRig(41 * 64 + 64)
    use overlap = new OverlapRig(8 * 1024)

    for name, flags in pathFlags do
        for length in blockLengths do
            for dm in [ 0; 8; 63 ] do
                rig.Copy(config, flags, dm, (dm * 3 + 5) % 64, length)
                |> expectSame (fun () -> $"{v.Name} {name}: copy of {length} B, dest+{dm}")

                rig.Fill(config, flags, dm, 0x5Auy, length)
                |> expectSame (fun () -> $"{v.Name} {name}: fill of {length} B, dest+{dm}")

            for distance in blockDistances do
                let src = 2048 + length % 64
                overlap.Move(config, flags, src, src + distance, length)
                |> expectSame (fun () -> $"{v.Name} {name}: move of {length} B by {distance}")

/// Destination and source each between PROT_NONE pages: a store (or load) outside them faults. Inside, the
/// bytes around the destination are checked to be untouched.
let private guardPages (v: Variant) =
    let config = configFor v
    use dest = new GuardedRegion(2)
    use src = new GuardedRegion(2)
    let size = dest.Size
    let background = randomBytes 5 size
    let source = randomBytes 6 size
    let filled = Array.create size 0x77uy
    source.CopyTo src.Span
    background.CopyTo dest.Span

    let check (offset: int) (length: int) (expected: byte[]) (expectedOffset: int) (label: unit -> string) =
        let actual = Span.op_Implicit dest.Span : ReadOnlySpan<byte>

        if not (actual.Slice(0, offset).SequenceEqual(ReadOnlySpan(background, 0, offset))) then
            failtestf "%s: a byte before the destination changed" (label ())

        if not (actual.Slice(offset, length).SequenceEqual(ReadOnlySpan(expected, expectedOffset, length))) then
            failtestf "%s: the destination differs" (label ())

        if not (actual.Slice(offset + length).SequenceEqual(ReadOnlySpan(background, offset + length, size - offset - length))) then
            failtestf "%s: a byte after the destination changed" (label ())

        ReadOnlySpan(background, offset, length).CopyTo(dest.Span.Slice(offset, length))

    let copy flags (destOffset: int) (srcOffset: int) (length: int) =
        CopyEngine.Memmove(config, dest.At destOffset, src.At srcOffset, unativeint length, flags)
        |> ignore

        check destOffset length source srcOffset (fun () ->
            $"{v.Name} flags {flags}: copy of {length} B to +{destOffset} from +{srcOffset}")

    let fill flags (destOffset: int) (length: int) =
        CopyEngine.Memset(config, dest.At destOffset, 0x77uy, unativeint length, flags)
        |> ignore

        check destOffset length filled 0 (fun () ->
            $"{v.Name} flags {flags}: fill of {length} B at +{destOffset}")

    for flags in [ PmemCopyFlags.None; PmemCopyFlags.Temporal; PmemCopyFlags.NonTemporal ] do
        // Ranges that start misaligned and end misaligned, touching both guards as closely as the misalignments allow.
        for head in 0..63 do
            for tail in 0..63 do
                copy flags head tail (size - head - tail)
                fill flags head (size - head - tail)
        // Short ranges flush against each guard.
        for length in 0..320 do
            copy flags 0 0 length
            copy flags (size - length) (size - length) length
            fill flags 0 length
            fill flags (size - length) length

/// Overlapping moves inside one region between PROT_NONE pages, source and destination together running from guard
/// to guard (as closely as the misalignments allow), both directions: a load or store outside either range faults,
/// and the whole region must equal the model afterwards.
let private guardedMoves (v: Variant) =
    let config = configFor v
    use rig = OverlapRig.Guarded 2
    let size = rig.Size

    let move flags (src: int) (dest: int) (length: int) =
        rig.Move(config, flags, src, dest, length)
        |> expectSame (fun () -> $"{v.Name} flags {flags}: move of {length} B from +{src} to +{dest}")

    for flags in [ PmemCopyFlags.None; PmemCopyFlags.Temporal; PmemCopyFlags.NonTemporal ] do
        for distance in [ 1; 7; 8; 63; 64; 65; 127; 200; 1000; 4096 ] do
            for head in 0..63 do
                for tail in [ 0; 1; 7; 8; 31; 56; 63 ] do
                    // Forward (destination below the source), then backward.
                    move flags (head + distance) head (size - tail - head - distance)
                    move flags head (head + distance) (size - tail - head - distance)

            // Short moves against each guard.
            for length in 0..320 do
                move flags distance 0 length
                move flags 0 distance length
                move flags (size - length) (size - length - distance) length
                move flags (size - length - distance) (size - length) length

let private forEach (name: string) (variants: Variant list) (test: Variant -> unit) =
    testList name [ for v in variants -> testCase v.Name (fun () -> test v) ]

/// PMEM_MOVDIR64B=1 on each vector width (the whole lines by MOVDIR64B, heads and tails by the width).
let private movdir64BVariants =
    [ for w in vectorWidths -> { variant w Clwb with Movdir64B = true } ]

let private vectorAndScalar = allWidths |> List.map (fun w -> variant w Clwb)

let private otherFlushKinds =
    [ for w in allWidths do
          for f in [ Clflushopt; Clflush; AutoFlush; Msync ] -> variant w f ]

let private wcVariants =
    [ for w in [ Avx; Sse2; Avx512 ] do
          for wc in [ true; false ] -> { variant w Clwb with Wc = Some wc } ]

/// Generated copies, overlapping moves and fills of up to a few MiB against the model.
let private generated (v: Variant) =
    let config = lazy (configFor v)
    let maxLength = 3 * 1024 * 1024 + 64
    let rig = lazy (new MoveRig(maxLength))
    let overlap = lazy (new OverlapRig(2 * maxLength + 256))

    property {
        let! flags = Generators.copyFlags
        let! length = Generators.copyLength
        let! dm = Generators.misalignment
        let! sm = Generators.misalignment
        let! op = Gen.int32 (Range.constant 0 2)
        let! distance = Gen.int32 (Range.linear 1 (length + 64))
        let! backward = Gen.bool
        let! value = Generators.fillValue

        let label () =
            $"{v.Name} op {op} flags {flags} length {length} dest+{dm} src+{sm} distance {distance} backward {backward}"

        match op with
        | 0 -> rig.Value.Copy(config.Value, flags, dm, sm, length) |> expectSame label
        | 1 -> rig.Value.Fill(config.Value, flags, dm, value, length) |> expectSame label
        | _ ->
            let src = 128 + sm + (if backward then 0 else distance)
            let dest = if backward then src + distance else src - distance
            overlap.Value.Move(config.Value, flags, src, dest, length) |> expectSame label
    }

let private generatedTests =
    testList
        "generated copies, moves and fills up to 3 MiB equal Span.CopyTo / Span.Fill"
        [ for w in allWidths do
              for f in allFlushKinds do
                  let v = variant w f
                  testPropertyN v.Name (if f = Clwb then 60 else 15) (generated v) ]

let tests =
    testList
        "copy engine"
        [ forEach "copy: every destination misalignment × lengths 0..127 and 192..319 × 5 source misalignments × each routine" vectorAndScalar (fun v ->
              sweepMoves v someSourceMisalignments)
          forEach "fill: every destination misalignment × lengths 0..127 and 192..319 × each routine" vectorAndScalar sweepFills
          forEach "copy: every destination × every source misalignment × every tail, 1 and 4 lines" vectorAndScalar fullMisalignmentSweep
          forEach "copy and fill with other flush flavours: every destination misalignment × lengths around line and threshold" otherFlushKinds (fun v ->
              sweepMoves v [ 0; 33 ]
              sweepFills v)
          forEach "write-combining loop on and off: lengths 700..900 and 1530..1600 × every destination misalignment" wcVariants sweepWcLoop
          forEach "overlapping moves both directions, distances 1..130 and beyond, each routine" vectorAndScalar sweepOverlaps
          forEach "line blocks: runs of 0..40 lines (+ 0, 8, 37 bytes) copied, filled and moved by 64..1025 both ways" vectorAndScalar sweepBlocks
          forEach "guard pages: nothing is read or written outside the ranges" (vectorAndScalar @ [ variant Avx512 AutoFlush ]) guardPages
          forEach "guard pages: overlapping moves both ways, from guard to guard" (vectorAndScalar @ [ variant Avx512 AutoFlush ]) guardedMoves
          generatedTests ]

/// The same sweeps with PMEM_MOVDIR64B=1 (whole lines by MOVDIR64B). Sequenced: run apart from the parallel-copy tests,
/// which count the copy workers their calls get, so these CPU-heavy sweeps do not starve the workers of a 2-CPU machine.
let movdir64BTests =
    let movdirFlush = [ for f in [ Clflushopt; Clflush; AutoFlush ] -> { variant Avx512 f with Movdir64B = true } ]

    testSequenced (
        testList
            "copy engine (MOVDIR64B)"
            [ forEach "copy: every destination misalignment × lengths 0..127 and 192..319 × 5 source misalignments × each routine" movdir64BVariants (fun v ->
                  sweepMoves v someSourceMisalignments)
              forEach "fill: every destination misalignment × lengths 0..127 and 192..319 × each routine" movdir64BVariants sweepFills
              forEach "copy: every destination × every source misalignment × every tail, 1 and 4 lines" movdir64BVariants fullMisalignmentSweep
              forEach "copy and fill with other flush flavours: every destination misalignment × lengths around line and threshold" movdirFlush (fun v ->
                  sweepMoves v [ 0; 33 ]
                  sweepFills v)
              forEach "lengths 700..900 and 1530..1600 × every destination misalignment" [ { variant Avx512 Clwb with Movdir64B = true } ] sweepWcLoop
              forEach "overlapping moves both directions, distances 1..130 and beyond, each routine" movdir64BVariants sweepOverlaps
              forEach "line blocks: runs of 0..40 lines (+ 0, 8, 37 bytes) copied, filled and moved by 64..1025 both ways" movdir64BVariants sweepBlocks
              forEach "guard pages: nothing is read or written outside the ranges" movdir64BVariants guardPages
              forEach "guard pages: overlapping moves both ways, from guard to guard" movdir64BVariants guardedMoves
              testList
                  "generated copies, moves and fills up to 3 MiB equal Span.CopyTo / Span.Fill"
                  [ for f in [ Clwb; AutoFlush ] do
                        let v = { variant Avx512 f with Movdir64B = true }
                        testPropertyN v.Name 30 (generated v) ] ]
    )
