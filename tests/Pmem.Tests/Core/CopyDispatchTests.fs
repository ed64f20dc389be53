/// Which routine runs for each flag combination, length and configuration: libpmem's own oracle (the rows of
/// pmem2_mem_ext/TESTS.py), then every flag combination against libpmem's decision written out as a model.
/// The engine reports the routine and the width that actually ran.
module Pmem.Tests.CopyDispatchTests

#nowarn "9" // native pointers: the engines under test take raw addresses

open System
open Expecto
open Pmem
open Pmem.Tests.TestDsl
open Pmem.Tests.CopyFixtures

/// pmem2_mem_ext.c's Flags[] by index.
let private flagsById =
    [| PmemCopyFlags.None
       PmemCopyFlags.NonTemporal
       PmemCopyFlags.Temporal
       PmemCopyFlags.NonTemporal ||| PmemCopyFlags.Temporal
       PmemCopyFlags.WriteCombining
       PmemCopyFlags.WriteBack
       PmemCopyFlags.NoFlush
       PmemCopyFlags.All |]

/// TESTS.py MATCH_BYTE_SMALL / _BIG: store granularity BYTE (eADR), sizes 128 and 1024 — identical.
let private matchByte = [ "t"; "nt"; "t"; "nt"; "t"; "t"; "t"; "t" ]

/// TESTS.py MATCH_PAGE_CACHELINE_SMALL (128 bytes, below the 256-byte threshold).
let private matchCacheLineSmall = [ "t"; "nt"; "t"; "nt"; "nt"; "t"; "t"; "t" ]

/// TESTS.py MATCH_PAGE_CACHELINE_BIG (1024 bytes).
let private matchCacheLineBig = [ "nt"; "nt"; "t"; "nt"; "nt"; "t"; "t"; "t" ]

let private storeKind =
    function
    | CopyPath.TemporalNoFlush
    | CopyPath.TemporalFlush
    | CopyPath.TemporalAutoFlush -> "t"
    | CopyPath.NonTemporalFlush
    | CopyPath.NonTemporalAutoFlush -> "nt"
    | other -> $"%A{other}"

/// pmem2_mem_ext's three operations on a buffer: C copies [0, size) to [size, 2 size), M moves the same, S sets
/// [0, size) to 1. Returns what ran; checks the bytes.
let private operate (config: ResolvedConfig) (op: char) (flags: PmemCopyFlags) (size: int) =
    use buffer = new NativeBuffer(2 * size)
    let original = randomBytes size (2 * size)
    original.CopyTo buffer.Span

    let run =
        match op with
        | 'S' -> CopyEngine.Memset(config, buffer.Address, 1uy, unativeint size, flags)
        | _ -> CopyEngine.Memmove(config, buffer.At size, buffer.Address, unativeint size, flags)

    let expected = Array.copy original

    match op with
    | 'S' -> Array.fill expected 0 size 1uy
    | _ -> Array.blit original 0 expected size size

    Expect.isTrue (buffer.Span.SequenceEqual(ReadOnlySpan expected)) $"op {op} flags {flags} size {size}: bytes"
    run

let private pmem2MemExt =
    testList
        "libpmem's pmem2_mem_ext table (TESTS.py TEST0-TEST4)"
        [ for width in vectorWidths do
              for wc in [ Some true; Some false; None ] do
                  for granularity, size, expected in
                      [ "cache line", 128, matchCacheLineSmall
                        "cache line", 1024, matchCacheLineBig
                        "byte", 128, matchByte
                        "byte", 1024, matchByte ] do
                      let v = { variant width Clwb with Wc = wc }

                      testCase $"{v.Name}, {granularity} granularity, {size} B" (fun () ->
                          configFor v |> ignore

                          let config =
                              if granularity = "byte" then
                                  ResolvedConfig.Create(
                                      PmemOptions(
                                          Avx512F = (width = Avx512),
                                          Avx = (width <> Sse2),
                                          WcWorkaround = (options v).WcWorkaround,
                                          ForceGranularity = Nullable PmemGranularity.Byte
                                      )
                                  )
                              else
                                  configFor v

                          for id, kind in List.indexed expected do
                              for op in [ 'C'; 'M'; 'S' ] do
                                  let run = operate config op flagsById[id] size
                                  Expect.equal (storeKind run.Path) kind $"flag id {id} op {op}: t or nt"
                                  Expect.equal run.Isa (expectedIsa width) $"flag id {id} op {op}: the width that ran")
          for width, path, env in
              [ Generic, CopyPath.Generic, "PMEM_NO_MOVNT=1"
                Runtime, CopyPath.Runtime, "PMEM_NO_MOVNT=1 PMEM_NO_GENERIC_MEMCPY=1" ] do
              testCase $"%A{width} ({env}), 1024 B" (fun () ->
                  let config = configFor (variant width Clwb)

                  for op in [ 'C'; 'M'; 'S' ] do
                      Expect.equal (operate config op PmemCopyFlags.None 1024).Path path $"op {op}") ]

/// What decides the routine besides flags and length.
type private Mode =
    | Flushing of FlushKind
    /// PMEM2_FORCE_GRANULARITY=BYTE: treated as eADR.
    | ByteGranularity
    /// PMEM_NO_FLUSH=1.
    | NoFlushEnv
    | NoStub
    | NoMovnt
    | NoMovntNoGeneric

let private modes =
    [ Flushing Clwb; Flushing Clflushopt; Flushing Clflush; ByteGranularity; NoFlushEnv; NoStub; NoMovnt; NoMovntNoGeneric ]

let private modeOptions (mode: Mode) (threshold: int64) (cpu: CpuInfo option) =
    PmemOptions(
        NoClwb = (mode = Flushing Clflushopt || mode = Flushing Clflush),
        NoClflushopt = (mode = Flushing Clflush),
        ForceGranularity = (if mode = ByteGranularity then Nullable PmemGranularity.Byte else Nullable()),
        NoFlush = (if mode = NoFlushEnv then Nullable true else Nullable()),
        DisableFlushStubs = (mode = NoStub),
        NoMovnt = (mode = NoMovnt || mode = NoMovntNoGeneric),
        NoGenericMemcpy = (mode = NoMovntNoGeneric),
        MovntThreshold = threshold,
        SimulatedCpu = Option.toObj cpu
    )

/// A CPU with every feature, so the pure table can be checked on any machine.
let private fullCpu = CpuInfo("GenuineIntel", true, true, true, false, true, true, true)

/// libpmem's decision (init.c pmem2_memmove_nodrain and _eadr, pmem.c pmem_init's generic/libc fallback),
/// written out case by case, plus Pmem's msync fallback.
let private libpmemDecision (mode: Mode) (threshold: int64) (flags: PmemCopyFlags) (length: int) (same: bool) =
    let has (f: PmemCopyFlags) = flags &&& f <> PmemCopyFlags.None

    match mode with
    | NoMovnt when length = 0 -> CopyPath.None
    | NoMovnt -> if has PmemCopyFlags.NoFlush then CopyPath.GenericNoFlush else CopyPath.Generic
    | NoMovntNoGeneric when length = 0 -> CopyPath.None
    | NoMovntNoGeneric -> if has PmemCopyFlags.NoFlush then CopyPath.RuntimeNoFlush else CopyPath.Runtime
    | _ when length = 0 || same -> CopyPath.None
    | _ when has PmemCopyFlags.NoFlush -> CopyPath.TemporalNoFlush
    | NoStub -> CopyPath.TemporalMsync
    | ByteGranularity
    | NoFlushEnv ->
        if has PmemCopyFlags.NonTemporal then CopyPath.NonTemporalAutoFlush else CopyPath.TemporalAutoFlush
    | _ when has (PmemCopyFlags.NonTemporal ||| PmemCopyFlags.WriteCombining) -> CopyPath.NonTemporalFlush
    | _ when has (PmemCopyFlags.Temporal ||| PmemCopyFlags.WriteBack) -> CopyPath.TemporalFlush
    | _ when int64 length < threshold -> CopyPath.TemporalFlush
    | _ -> CopyPath.NonTemporalFlush

let private lengths = [ 0; 1; 4; 63; 64; 255; 256; 257; 4096 ]
let private thresholds = [ PmemOptions.DefaultMovntThreshold; 0L; 5L; 64L; 99999L ]

let private everyCombination =
    testList
        "every flag combination × length × threshold × flush mode"
        [ testCase "the decision function agrees with libpmem's decision" (fun () ->
              for mode in modes do
                  for threshold in thresholds do
                      let config = ResolvedConfig.Create(modeOptions mode threshold (Some fullCpu))

                      for bits in 0..63 do
                          let flags = enum<PmemCopyFlags> bits

                          for length in lengths do
                              for same in [ false; true ] do
                                  let actual = CopyDecision.Choose(config, flags, unativeint length, same)
                                  let expected = libpmemDecision mode threshold flags length same

                                  if actual <> expected then
                                      failtestf "%A threshold %d flags %A length %d same address %b: %A, libpmem %A" mode threshold flags length same actual expected)
          testCase "the engines run what the decision says, with the configured width" (fun () ->
              for mode in modes do
                  for threshold in [ PmemOptions.DefaultMovntThreshold; 0L; 99999L ] do
                      let config = ResolvedConfig.Create(modeOptions mode threshold None)
                      use buffer = new NativeBuffer(2 * 4096)

                      for bits in 0..63 do
                          let flags = enum<PmemCopyFlags> bits

                          for length in lengths do
                              let expected = CopyDecision.Choose(config, flags, unativeint length, false)

                              let isa =
                                  if expected = CopyPath.None then CopyIsa.Generic else config.Isa

                              let copied =
                                  CopyEngine.Memmove(config, buffer.At 4096, buffer.Address, unativeint length, flags)

                              let filled = CopyEngine.Memset(config, buffer.Address, 7uy, unativeint length, flags)

                              for name, run in [ "memmove", copied; "memset", filled ] do
                                  if run <> CopyRun(expected, isa) then
                                      failtestf "%A threshold %d flags %A length %d %s: ran %A, expected %A on %A" mode threshold flags length name run expected isa

                      let selfMove = CopyEngine.Memmove(config, buffer.Address, buffer.Address, 100un, PmemCopyFlags.None)
                      let expectedSelf = libpmemDecision mode threshold PmemCopyFlags.None 100 true
                      Expect.equal selfMove.Path expectedSelf $"%A{mode}: a move onto itself")
          testCase "undefined flag bits are refused before anything is written" (fun () ->
              let config = ResolvedConfig.Create(PmemOptions())
              use buffer = new NativeBuffer(256)

              for bits in [ 64; 128; 1 <<< 20; Int32.MinValue; 63 ||| 64 ] do
                  let flags = enum<PmemCopyFlags> bits

                  Expect.throwsT<ArgumentException>
                      (fun () -> CopyEngine.Memmove(config, buffer.At 128, buffer.Address, 64un, flags) |> ignore)
                      $"memmove with 0x{bits:x}"

                  Expect.throwsT<ArgumentException>
                      (fun () -> CopyEngine.Memset(config, buffer.Address, 9uy, 64un, flags) |> ignore)
                      $"memset with 0x{bits:x}"

                  Expect.isTrue (buffer.Span.IndexOfAnyExcept(0uy) < 0) "nothing was written") ]

let tests = testList "copy dispatch" [ pmem2MemExt; everyCombination ]
