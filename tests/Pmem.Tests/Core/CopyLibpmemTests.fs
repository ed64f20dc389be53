/// Differential property against C libpmem (Debian's libpmem.so.1, when installed): the same copy, move or fill
/// with the same flags on identical buffers leaves identical bytes. libpmem picks its own paths from its own
/// environment, so only the resulting bytes are compared. Skipped when the library is absent.
module Pmem.Tests.CopyLibpmemTests

#nowarn "9" // native pointers: both libraries take raw addresses

open System
open System.Runtime.InteropServices
open Expecto
open Hedgehog
open Hedgehog.FSharp
open Microsoft.FSharp.NativeInterop
open Pmem
open Pmem.Tests.TestDsl
open Pmem.Tests.CopyFixtures

let private maxLength = 3 * 1024 * 1024 + 64
let private margin = 128

/// Two buffers with the same random content: one for Pmem, one for libpmem.
type private Pair() =
    let size = 2 * maxLength + 2 * margin
    let background = randomBytes 41 size
    let ours = new NativeBuffer(size)
    let theirs = new NativeBuffer(size)

    member _.Reset() =
        background.CopyTo ours.Span
        background.CopyTo theirs.Span

    member _.Ours = ours
    member _.Theirs = theirs

let private differential (v: Variant) =
    let config = lazy (configFor v)
    let pair = lazy (new Pair())

    property {
        let! flags = Generators.copyFlags
        let! length = Generators.copyLength
        let! op = Gen.int32 (Range.constant 0 2)
        let! srcOffset = Gen.int32 (Range.constant 0 (maxLength + 63))
        let! destOffset = Gen.int32 (Range.constant 0 (maxLength + 63))
        let! value = Generators.fillValue
        let pair = pair.Value
        pair.Reset()
        let src = margin + srcOffset
        let dest = margin + destOffset

        match op with
        | 2 ->
            CopyEngine.Memset(config.Value, pair.Ours.At dest, value, unativeint length, flags) |> ignore

            Native.Libpmem.pmem_memset(NativePtr.toNativeInt (pair.Theirs.At dest), int value, unativeint length, uint32 flags)
            |> ignore
        | _ ->
            CopyEngine.Memmove(config.Value, pair.Ours.At dest, pair.Ours.At src, unativeint length, flags)
            |> ignore

            Native.Libpmem.pmem_memmove(
                NativePtr.toNativeInt (pair.Theirs.At dest),
                NativePtr.toNativeInt (pair.Theirs.At src),
                unativeint length,
                uint32 flags
            )
            |> ignore

        let same = pair.Ours.Span.SequenceEqual(Span.op_Implicit pair.Theirs.Span : ReadOnlySpan<byte>)

        if not same then
            failtestf "%s op %d flags %A length %d src +%d dest +%d: Pmem and libpmem left different bytes" v.Name op flags length srcOffset destOffset
    }

let tests =
    testList
        "same bytes as C libpmem"
        [ for w in allWidths do
              let v = variant w Clwb

              testCase v.Name (fun () ->
                  if not Native.Libpmem.available.Value then
                      skip "libpmem.so.1 is not installed"

                  Property.checkWith (PropertyConfig.defaults |> PropertyConfig.withTests 40<tests>) (differential v)) ]
