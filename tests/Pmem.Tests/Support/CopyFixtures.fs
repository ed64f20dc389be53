/// Engine configurations and rigs shared by the copy tests: every vector width and flush flavour as a
/// ResolvedConfig, and buffers that check every byte around a copy, not only the copied ones.
module Pmem.Tests.CopyFixtures

#nowarn "9" // native pointers: the engines under test take raw addresses

open System
open Expecto
open Microsoft.FSharp.NativeInterop
open Pmem
open Pmem.Tests.TestDsl

/// The copy engine width forced through options.
type Width =
    | Avx512
    | Avx
    | Sse2
    /// PMEM_NO_MOVNT=1: the 8-byte scalar routine.
    | Generic
    /// PMEM_NO_MOVNT=1 PMEM_NO_GENERIC_MEMCPY=1: the runtime's memmove.
    | Runtime

/// How lines are made durable.
type FlushKind =
    | Clwb
    /// PMEM_NO_CLWB=1.
    | Clflushopt
    /// PMEM_NO_CLWB=1 PMEM_NO_CLFLUSHOPT=1.
    | Clflush
    /// PMEM_NO_FLUSH=1 (the eADR routines).
    | AutoFlush
    /// No flush stub (the msync fallback).
    | Msync

type Variant =
    { Width: Width
      Flush: FlushKind
      /// PMEM_WC_WORKAROUND; None = the CPU default (on for Intel).
      Wc: bool option
      Threshold: int64
      /// PMEM_MOVDIR64B=1: whole lines of the non-temporal routines by MOVDIR64B.
      Movdir64B: bool }

    member v.Name =
        let wc =
            match v.Wc with
            | None -> ""
            | Some b -> if b then " wc=1" else " wc=0"

        let threshold =
            if v.Threshold = PmemOptions.DefaultMovntThreshold then "" else $" threshold={v.Threshold}"

        let movdir = if v.Movdir64B then " movdir64b" else ""
        $"%A{v.Width}/%A{v.Flush}{wc}{threshold}{movdir}"

let variant width flush =
    { Width = width
      Flush = flush
      Wc = None
      Threshold = PmemOptions.DefaultMovntThreshold
      Movdir64B = false }

/// PmemOptions that force the variant (they only take features away, so the code that runs exists on this CPU), with
/// a copy thread count and split threshold (null: Pmem's defaults).
let optionsWith (v: Variant) (copyThreads: Nullable<int>) (parallelThreshold: Nullable<int64>) =
    PmemOptions(
        Avx512F = (v.Width = Avx512),
        Avx = (v.Width = Avx512 || v.Width = Avx),
        NoMovnt = (v.Width = Generic || v.Width = Runtime),
        NoGenericMemcpy = (v.Width = Runtime),
        NoClwb = (v.Flush = Clflushopt || v.Flush = Clflush),
        NoClflushopt = (v.Flush = Clflush),
        NoFlush = (if v.Flush = AutoFlush then Nullable true else Nullable()),
        DisableFlushStubs = (v.Flush = Msync),
        WcWorkaround = (match v.Wc with
                        | Some b -> Nullable b
                        | None -> Nullable()),
        MovntThreshold = v.Threshold,
        Movdir64B = v.Movdir64B,
        CopyThreads = copyThreads,
        ParallelThreshold = parallelThreshold
    )

/// PmemOptions that force the variant, with Pmem's default copy threads and split threshold.
let options (v: Variant) = optionsWith v (Nullable()) (Nullable())

let expectedIsa =
    function
    | Avx512 -> CopyIsa.Avx512F
    | Avx -> CopyIsa.Avx
    | Sse2 -> CopyIsa.Sse2
    | Generic
    | Runtime -> CopyIsa.Generic

let expectedInstruction =
    function
    | Clwb
    | AutoFlush -> FlushInstruction.Clwb
    | Clflushopt -> FlushInstruction.Clflushopt
    | Clflush -> FlushInstruction.Clflush
    | Msync -> FlushInstruction.None

/// The configuration for the variant, or a skip when this CPU cannot run it (e.g. no AVX-512).
let configFor (v: Variant) =
    let config = ResolvedConfig.Create(options v)

    if config.Isa <> expectedIsa v.Width then
        skip $"this CPU has no %A{v.Width} path (it would run {config.Isa})"

    if v.Flush <> Msync && v.Flush <> AutoFlush && config.Instruction <> expectedInstruction v.Flush then
        skip $"this CPU has no %A{v.Flush} (it would use {config.Instruction})"

    if v.Movdir64B && not config.UsesMovdir64B then
        skip $"no MOVDIR64B path here: {config.Movdir64BReason}"

    config

let vectorWidths = [ Avx512; Avx; Sse2 ]
let allWidths = vectorWidths @ [ Generic; Runtime ]
let allFlushKinds = [ Clwb; Clflushopt; Clflush; AutoFlush; Msync ]

/// Deterministic pseudo-random bytes.
let randomBytes (seed: int) (n: int) =
    let bytes = Array.zeroCreate<byte> n
    Random(seed).NextBytes bytes
    bytes

let private firstDifference (actual: ReadOnlySpan<byte>) (expected: ReadOnlySpan<byte>) =
    let mutable i = 0

    while i < actual.Length && actual[i] = expected[i] do
        i <- i + 1

    i

let private difference (what: string) (offset: int) (actual: byte) (expected: byte) =
    Some $"{what} differs at byte {offset} (got 0x{actual:x2}, expected 0x{expected:x2})"

/// Fails the test with the label (built only on failure) and the first difference.
let expectSame (label: unit -> string) (result: string option) =
    match result with
    | None -> ()
    | Some why -> failtestf "%s: %s" (label ()) why

/// A destination buffer filled with a known background and a source buffer of other random bytes, with room
/// for 64 bytes of misalignment on each and a margin around; every check covers the whole destination buffer.
type MoveRig(maxLength: int) =
    static let margin = 128
    let size = margin + 64 + maxLength + margin
    let background = randomBytes 11 size
    let source = randomBytes 23 size
    let dest = new NativeBuffer(size)
    let src = new NativeBuffer(size)

    do
        background.CopyTo dest.Span
        source.CopyTo src.Span

    member _.Dest(misalignment: int) = dest.At(margin + misalignment)
    member _.Src(misalignment: int) = src.At(margin + misalignment)

    /// Copies with the engine; the whole destination buffer is checked and restored. Returns the first difference.
    member this.Copy(config: ResolvedConfig, flags, destMis: int, srcMis: int, length: int) =
        CopyEngine.Memmove(config, this.Dest destMis, this.Src srcMis, unativeint length, flags)
        |> ignore

        this.Check(destMis, ReadOnlySpan(source, margin + srcMis, length))

    /// Fills with the engine; the whole destination buffer is checked and restored. Returns the first difference.
    member this.Fill(config: ResolvedConfig, flags, destMis: int, value: byte, length: int) =
        CopyEngine.Memset(config, this.Dest destMis, value, unativeint length, flags)
        |> ignore

        let expected = Array.create length value
        this.Check(destMis, ReadOnlySpan expected)

    member private _.Check(destMis: int, expected: ReadOnlySpan<byte>) =
        let span = dest.Span
        let start = margin + destMis
        let before = ReadOnlySpan(background, 0, start)
        let after = ReadOnlySpan(background, start + expected.Length, size - start - expected.Length)
        let actualBefore = Span.op_Implicit (span.Slice(0, start))
        let actualBody = Span.op_Implicit (span.Slice(start, expected.Length))
        let actualAfter = Span.op_Implicit (span.Slice(start + expected.Length))

        let result =
            if not (actualBefore.SequenceEqual before) then
                let i = firstDifference actualBefore before
                difference "a byte before the destination" (i - start) actualBefore[i] before[i]
            elif not (actualBody.SequenceEqual expected) then
                let i = firstDifference actualBody expected
                difference "the destination" i actualBody[i] expected[i]
            elif not (actualAfter.SequenceEqual after) then
                let i = firstDifference actualAfter after
                difference "a byte after the destination" (expected.Length + i) actualAfter[i] after[i]
            else
                None

        ReadOnlySpan(background, start, expected.Length).CopyTo(span.Slice(start, expected.Length))
        result

    interface IDisposable with
        member _.Dispose() =
            (dest :> IDisposable).Dispose()
            (src :> IDisposable).Dispose()

/// One buffer in which source and destination overlap; the model is Span.CopyTo on a managed copy.
/// <c>start</c> is the buffer's first byte; <c>owner</c> frees it.
type OverlapRig private (start: nativeptr<byte>, size: int, owner: IDisposable) =
    let background = randomBytes 37 size
    let span () = Span<byte>(NativePtr.toVoidPtr start, size)
    let model = Array.copy background

    do background.CopyTo(span ())

    /// A buffer of native memory.
    new(size: int) =
        let buffer = new NativeBuffer(size)
        new OverlapRig(buffer.Address, size, buffer)

    /// A buffer of <paramref name="pages"/> pages between PROT_NONE pages: a load or store outside the moved ranges
    /// faults.
    static member Guarded(pages: int) =
        let region = new GuardedRegion(pages)
        new OverlapRig(region.Start, region.Size, region)

    member _.Size = size

    /// Moves within the buffer with the engine and compares the whole buffer with the model, then restores both.
    member _.Move(config: ResolvedConfig, flags, srcOffset: int, destOffset: int, length: int) =
        CopyEngine.Memmove(config, NativePtr.add start destOffset, NativePtr.add start srcOffset, unativeint length, flags)
        |> ignore

        Span<byte>(model, srcOffset, length).CopyTo(Span<byte>(model, destOffset, length))
        let actual = Span.op_Implicit (span ()) : ReadOnlySpan<byte>

        let result =
            if actual.SequenceEqual(ReadOnlySpan model) then
                None
            else
                let i = firstDifference actual (ReadOnlySpan model)
                difference "the buffer" i actual[i] model[i]

        background.CopyTo(span ())
        background.CopyTo(model, 0)
        result

    interface IDisposable with
        member _.Dispose() = owner.Dispose()

/// The flags that select each routine, plus NoDrain (drains are invisible in the bytes and cost a fence each).
let pathFlags =
    [ "default", PmemCopyFlags.NoDrain
      "temporal", PmemCopyFlags.Temporal ||| PmemCopyFlags.NoDrain
      "non-temporal", PmemCopyFlags.NonTemporal ||| PmemCopyFlags.NoDrain
      "no-flush", PmemCopyFlags.NoFlush ]
