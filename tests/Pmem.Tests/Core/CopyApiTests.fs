/// The public copy surface under forced options: PersistentMemory's libpmem-shaped functions and PmemMapping's
/// checked Copy / Move / Fill on a pmem mapping (/dev/shm, PMEM_IS_PMEM_FORCE=1) and on an msync one (/tmp).
/// Options are process-wide, so these run sequenced.
module Pmem.Tests.CopyApiTests

#nowarn "9" // native pointers: PersistentMemory takes raw addresses

open System
open Expecto
open Microsoft.FSharp.NativeInterop
open Pmem
open Pmem.Tests.TestDsl
open Pmem.Tests.CopyFixtures

let private vp (address: nativeint) = NativePtr.toVoidPtr (NativePtr.ofNativeInt<byte> address)
let private np (pointer: voidptr) = NativePtr.toNativeInt (NativePtr.ofVoidPtr<byte> pointer)

let private bytesEqual (actual: Span<byte>) (expected: byte[]) (what: string) =
    Expect.isTrue (actual.SequenceEqual(ReadOnlySpan expected)) what

/// Every PersistentMemory copy function, forward, overlapping both ways, and fills.
let private persistentMemory (v: Variant) =
    configFor v |> ignore
    use _ = withOptions (options v)
    let size = 64 * 1024
    use buffer = new NativeBuffer(size)
    let model = randomBytes 3 size
    model.CopyTo buffer.Span
    let at (offset: int) = NativePtr.toVoidPtr (buffer.At offset)
    let address (offset: int) = NativePtr.toNativeInt (buffer.At offset)

    let moves: (string * (nativeint -> nativeint -> unativeint -> nativeint)) list =
        [ "Memcpy", (fun d s n -> np (PersistentMemory.Memcpy(vp d, vp s, n, PmemCopyFlags.None)))
          "Memmove", (fun d s n -> np (PersistentMemory.Memmove(vp d, vp s, n, PmemCopyFlags.NonTemporal)))
          "MemcpyPersist", (fun d s n -> np (PersistentMemory.MemcpyPersist(vp d, vp s, n)))
          "MemmovePersist", (fun d s n -> np (PersistentMemory.MemmovePersist(vp d, vp s, n)))
          "MemcpyNoDrain", (fun d s n -> np (PersistentMemory.MemcpyNoDrain(vp d, vp s, n)))
          "MemmoveNoDrain", (fun d s n -> np (PersistentMemory.MemmoveNoDrain(vp d, vp s, n))) ]

    for name, move in moves do
        for src, dest, length in [ 100, 30000, 5000; 1000, 1040, 3000; 9000, 8990, 7000; 3, 63, 64; 64, 0, 255 ] do
            let returned = move (address dest) (address src) (unativeint length)

            Array.blit (Array.copy model) src model dest length
            Expect.equal returned (address dest) $"{name} returns dest"
            bytesEqual buffer.Span model $"{v.Name} {name} {length} B from +{src} to +{dest}"

    let fills: (string * (nativeint -> byte -> unativeint -> unit)) list =
        [ "Memset", (fun d c n -> PersistentMemory.Memset(vp d, c, n, PmemCopyFlags.Temporal) |> ignore)
          "MemsetPersist", (fun d c n -> PersistentMemory.MemsetPersist(vp d, c, n) |> ignore)
          "MemsetNoDrain", (fun d c n -> PersistentMemory.MemsetNoDrain(vp d, c, n) |> ignore) ]

    for name, fill in fills do
        for dest, length, value in [ 7, 20000, 0xEEuy; 64, 256, 0uy; 33, 31, 0x81uy ] do
            fill (address dest) value (unativeint length)
            Array.fill model dest length value
            bytesEqual buffer.Span model $"{v.Name} {name} {length} B at +{dest}"

    Expect.throwsT<ArgumentException>
        (fun () -> PersistentMemory.Memcpy(at 0, at 100, 10un, enum<PmemCopyFlags> 64) |> ignore)
        "undefined flags"

    bytesEqual buffer.Span model "nothing written by the refused call"

/// PmemMapping.Copy / Move / Fill with every flag combination, against a model of the file, then out-of-range and
/// undefined-flag calls that must throw without writing.
let private mapping (dir: unit -> TempDir) (force: bool) () =
    use _ = withOptions (PmemOptions(IsPmemForce = Nullable force))
    use dir = dir ()
    let size = 256 * 1024
    use m = PmemFile.Map(dir.File "copy.pmem", int64 size, PmemFileFlags.Create)
    Expect.equal m.IsPmem force "is-pmem as forced"
    let model = Array.zeroCreate<byte> size
    let source = randomBytes 9 (size / 2)
    let check what = bytesEqual (m.GetSpan(0L, size)) model what

    for bits in 0..63 do
        let flags = enum<PmemCopyFlags> bits
        let offset = (bits * 3989) % (size - 70000)
        let length = [| 0; 1; 63; 64; 255; 256; 4097; 65536 |][bits % 8]
        m.Copy(int64 offset, ReadOnlySpan(source, bits, length), flags)
        Array.blit source bits model offset length
        check $"Copy {length} B at {offset}, flags {flags}"

        let src = (offset + 17 * bits) % (size - length)
        let dest = (src + length / 3 + 1) % (size - length)
        m.Move(int64 dest, int64 src, int64 length, flags)
        Array.blit (Array.copy model) src model dest length
        check $"Move {length} B from {src} to {dest}, flags {flags}"

        m.Fill(int64 offset + 5L, byte bits, int64 length, flags)
        Array.fill model (offset + 5) length (byte bits)
        check $"Fill {length} B at {offset + 5}, flags {flags}"

    let refused (what: string) (f: unit -> unit) =
        Expect.throwsT<ArgumentOutOfRangeException> f what
        check $"nothing written by {what}"

    refused "Copy past the end" (fun () -> m.Copy(int64 size - 3L, ReadOnlySpan(source, 0, 4)))
    refused "Copy at a negative offset" (fun () -> m.Copy(-1L, ReadOnlySpan(source, 0, 4)))
    refused "Move from past the end" (fun () -> m.Move(0L, int64 size - 10L, 11L))
    refused "Move to past the end" (fun () -> m.Move(int64 size - 10L, 0L, 11L))
    refused "Move of a negative length" (fun () -> m.Move(0L, 10L, -1L))
    refused "Fill past the end" (fun () -> m.Fill(1L, 1uy, int64 size))
    refused "Fill at a negative offset" (fun () -> m.Fill(-64L, 1uy, 64L))

    Expect.throwsT<ArgumentException> (fun () -> m.Fill(0L, 1uy, 10L, enum<PmemCopyFlags> 128)) "undefined flags"
    Expect.throwsT<ArgumentException> (fun () -> m.Copy(0L, ReadOnlySpan(source, 0, 10), enum<PmemCopyFlags> 64)) "undefined flags"
    check "nothing written by calls with undefined flags"

let tests =
    testSequenced
    <| testList
        "public copy surface"
        [ testList "PersistentMemory under each forced width" [ for w in allWidths -> let v = variant w Clwb in testCase v.Name (fun () -> persistentMemory v) ]
          testCase "PmemMapping on a pmem mapping (/dev/shm, PMEM_IS_PMEM_FORCE=1)" (mapping shmDir true)
          testCase "PmemMapping on an msync mapping (temp dir, PMEM_IS_PMEM_FORCE=0)" (mapping diskDir false) ]
