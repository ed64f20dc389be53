/// MOVDIR64B (PMEM_MOVDIR64B=1): the emitted loops against GNU as, which routine ran, the report and its reasons,
/// and split copies. The byte-level sweeps of every length, misalignment and flag run it too (CopyTests' MOVDIR64B
/// variants).
module Pmem.Tests.Movdir64BTests

#nowarn "9" // native pointers: the engines under test take raw addresses

open System
open System.IO
open Expecto
open Pmem
open Pmem.Tests.TestDsl
open Pmem.Tests.CopyFixtures

type private Loop = Movdir64BStubEncoding.Loop

/// The loops as GNU as writes them from the assembly in Movdir64BStubEncoding's remarks.
let private assembly =
    """.intel_syntax noprefix
.text
forward:
endbr64
test rdx, rdx
jz 1f
0:
movdir64b rdi, [rsi]
add rdi, 64
add rsi, 64
sub rdx, 64
jnz 0b
1:
ret
backward:
endbr64
test rdx, rdx
jz 1f
add rdi, rdx
add rsi, rdx
0:
sub rdi, 64
sub rsi, 64
movdir64b rdi, [rsi]
sub rdx, 64
jnz 0b
1:
ret
fill:
endbr64
test rdx, rdx
jz 1f
0:
movdir64b rdi, [rsi]
add rdi, 64
sub rdx, 64
jnz 0b
1:
ret
"""

let private encodingMatchesAssembler () =
    match tryFindOnPath "as", tryFindOnPath "objcopy" with
    | Some asm, Some objcopy ->
        use dir = diskDir ()
        let source = dir.File "movdir64b.s"
        File.WriteAllText(source, assembly)
        let obj = dir.File "movdir64b.o"
        let bin = dir.File "movdir64b.bin"
        let code, output = run asm [ "-o"; obj; source ]

        if code <> 0 then
            skip $"this assembler does not know MOVDIR64B: {output}"

        fst (run objcopy [ "-O"; "binary"; "-j"; ".text"; obj; bin ]) =! 0
        let expected = File.ReadAllBytes bin

        let ours =
            Array.concat
                [ Movdir64BStubEncoding.Encode Loop.Forward
                  Movdir64BStubEncoding.Encode Loop.Backward
                  Movdir64BStubEncoding.Encode Loop.Fill ]

        Expect.sequenceEqual ours expected "the emitted loops are the bytes GNU as assembles"
    | _ -> skip "no GNU as / objcopy on PATH"

let private onCpu () =
    if not CpuInfo.Current.Movdir64B then
        skip "this CPU does not report MOVDIR64B"

let private movdirOptions = PmemOptions(Movdir64B = true)

/// The routine and MOVDIR64B flag one copy and one fill report under a configuration.
let private runs (config: ResolvedConfig) (flags: PmemCopyFlags) (length: int) =
    use rig = new MoveRig(length)
    let copy = CopyEngine.Memmove(config, rig.Dest 0, rig.Src 0, unativeint length, flags)
    let fill = CopyEngine.Memset(config, rig.Dest 0, 0x11uy, unativeint length, flags)
    copy, fill

let private dispatch =
    testList
        "which routine runs"
        [ testCase "PMEM_MOVDIR64B=1: non-temporal copies and fills write their lines with MOVDIR64B" (fun () ->
              onCpu ()
              let config = ResolvedConfig.Create movdirOptions
              config.UsesMovdir64B =! true

              for flags in [ PmemCopyFlags.None; PmemCopyFlags.NonTemporal; PmemCopyFlags.WriteCombining ||| PmemCopyFlags.NoDrain ] do
                  let copy, fill = runs config flags 4096
                  (copy.Path, copy.Movdir64B) =! (CopyPath.NonTemporalFlush, true)
                  (fill.Path, fill.Movdir64B) =! (CopyPath.NonTemporalFlush, true))

          testCase "with flushes off (eADR routines) too" (fun () ->
              onCpu ()
              let config = ResolvedConfig.Create(PmemOptions(Movdir64B = true, NoFlush = Nullable true))
              let copy, fill = runs config PmemCopyFlags.NonTemporal 1024
              (copy.Path, copy.Movdir64B) =! (CopyPath.NonTemporalAutoFlush, true)
              (fill.Path, fill.Movdir64B) =! (CopyPath.NonTemporalAutoFlush, true))

          testCase "temporal and no-flush routines are unchanged" (fun () ->
              onCpu ()
              let config = ResolvedConfig.Create movdirOptions

              for flags in [ PmemCopyFlags.Temporal; PmemCopyFlags.NoFlush ] do
                  let copy, fill = runs config flags 4096
                  (copy.Movdir64B, fill.Movdir64B) =! (false, false)

              let small, _ = runs config PmemCopyFlags.None 100
              (small.Path, small.Movdir64B) =! (CopyPath.TemporalFlush, false))

          testCase "off by default" (fun () ->
              let config = ResolvedConfig.Create PmemOptions.Default
              config.UsesMovdir64B =! false
              let copy, fill = runs config PmemCopyFlags.NonTemporal 4096
              (copy.Movdir64B, fill.Movdir64B) =! (false, false)) ]

/// Split copies use the process-wide copy workers: run apart from the parallel-copy tests, which count the workers
/// their own calls get.
let private splitCopies =
    testList
        "split copies"
        [ testCase "a split copy runs MOVDIR64B and is byte-exact" (fun () ->
              onCpu ()
              let v = { variant Avx512 Clwb with Movdir64B = true }
              configFor v |> ignore
              let config = ResolvedConfig.Create(optionsWith v (Nullable 2) (Nullable 4096L))
              use rig = new MoveRig(300_000)

              for length in [ 4096; 65_537; 300_000 - 64 ] do
                  for dm in [ 0; 1; 63 ] do
                      let run = CopyEngine.Memmove(config, rig.Dest dm, rig.Src 5, unativeint length, PmemCopyFlags.None)
                      (run.Path, run.Movdir64B) =! (CopyPath.NonTemporalFlush, true)
                      rig.Copy(config, PmemCopyFlags.None, dm, 5, length)
                      |> expectSame (fun () -> $"split copy of {length} B, dest+{dm}")

                      rig.Fill(config, PmemCopyFlags.None, dm, 0xE1uy, length)
                      |> expectSame (fun () -> $"split fill of {length} B, dest+{dm}")) ]

let private report =
    testList
        "the report says whether and why"
        [ testCase "on, when asked for on a CPU that has it" (fun () ->
              onCpu ()
              let caps = PmemCapabilities.From(ResolvedConfig.Create movdirOptions)
              caps.Movdir64B =! true
              Expect.stringContains caps.Movdir64BReason "on (PMEM_MOVDIR64B)" "the reason"
              Expect.stringContains (string caps) "MOVDIR64B      on" "the printed report")

          testCase "off by default, saying how to turn it on" (fun () ->
              let caps = PmemCapabilities.From(ResolvedConfig.Create PmemOptions.Default)
              caps.Movdir64B =! false
              Expect.stringStarts caps.Movdir64BReason "off" "the reason"
              Expect.stringContains (string caps) "MOVDIR64B      off" "the printed report")

          testCase "asked for on a CPU without it: off, and says so" (fun () ->
              let c = CpuInfo.Current
              let cpu = CpuInfo(c.Vendor, c.Clflush, c.Clflushopt, c.Clwb, false, c.Sse2, c.Avx, c.Avx512F)
              let config = ResolvedConfig.Create(PmemOptions(Movdir64B = true, SimulatedCpu = cpu))
              config.UsesMovdir64B =! false
              Expect.stringContains config.Movdir64BReason "does not report MOVDIR64B" "the reason")

          testCase "asked for with PMEM_NO_MOVNT=1: off, and says so" (fun () ->
              let config = ResolvedConfig.Create(PmemOptions(Movdir64B = true, NoMovnt = true))
              config.UsesMovdir64B =! false
              Expect.stringContains config.Movdir64BReason "PMEM_NO_MOVNT=1" "the reason")

          testCase "PMEM_MOVDIR64B=1 is parsed and noted as a working switch" (fun () ->
              let o = PmemOptions.Parse(dict [ "PMEM_MOVDIR64B", "1" ] |> Collections.Generic.Dictionary)
              o.Movdir64B =! true
              Expect.exists o.Notes (fun n -> n.StartsWith "PMEM_MOVDIR64B" && n.Contains "whole lines") "the note") ]

let tests =
    testList
        "MOVDIR64B"
        [ testCase "the emitted loops are what GNU as assembles" encodingMatchesAssembler
          dispatch
          report ]

let sequencedTests = testSequenced (testList "MOVDIR64B (process-wide)" [ splitCopies ])
