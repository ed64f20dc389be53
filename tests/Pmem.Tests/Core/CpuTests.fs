/// CPUID detection cross-checked against the kernel's view (/proc/cpuinfo) and .NET's own IsSupported.
module Pmem.Tests.CpuTests

open System.IO
open System.Runtime.Intrinsics.X86
open Expecto
open Pmem
open Pmem.Tests.TestDsl

let private cpuinfoFlags =
    lazy
        (File.ReadLines "/proc/cpuinfo"
         |> Seq.tryFind (fun l -> l.StartsWith "flags")
         |> Option.map (fun l -> l.Split(':').[1].Split(' ', System.StringSplitOptions.RemoveEmptyEntries) |> Set.ofArray))

let private kernelSays flag =
    match cpuinfoFlags.Value with
    | Some flags -> flags.Contains flag
    | None -> skiptest "no /proc/cpuinfo flags line"

/// Reports which bit disagrees, naming leaf, register and bit (Ryujinx-style IsBitIncorrect check).
let private bitAgrees name (fromPmem: bool) (fromOther: bool) =
    Expect.equal fromPmem fromOther $"{name}: CPUID says {fromPmem}, the other source says {fromOther}"

let tests =
    testList
        "Cpu"
        [ testCase "flush instructions agree with /proc/cpuinfo" (fun () ->
              let cpu = CpuInfo.Detect()
              bitAgrees "CLFLUSH (leaf 1 EDX 19)" cpu.Clflush (kernelSays "clflush")
              bitAgrees "CLFLUSHOPT (leaf 7 EBX 23)" cpu.Clflushopt (kernelSays "clflushopt")
              bitAgrees "CLWB (leaf 7 EBX 24)" cpu.Clwb (kernelSays "clwb")
              bitAgrees "MOVDIR64B (leaf 7 ECX 28)" cpu.Movdir64B (kernelSays "movdir64b"))

          testCase "vector support agrees with .NET and the kernel" (fun () ->
              let cpu = CpuInfo.Detect()
              let struct (_, _, _, edx1) = X86Base.CpuId(1, 0)
              bitAgrees "SSE2 (leaf 1 EDX 26)" cpu.Sse2 ((edx1 >>> 26) &&& 1 = 1)
              bitAgrees "AVX-512F" cpu.Avx512F Avx512F.IsSupported
              if cpu.Avx512F then Expect.isTrue (kernelSays "avx512f") "the kernel reports avx512f too")

          testCase "vendor string matches /proc/cpuinfo vendor_id" (fun () ->
              let vendor =
                  File.ReadLines "/proc/cpuinfo"
                  |> Seq.tryFind (fun l -> l.StartsWith "vendor_id")
                  |> Option.map (fun l -> l.Split(':').[1].Trim())
              match vendor with
              | Some v -> (CpuInfo.Detect()).Vendor =! v
              | None -> skip "no vendor_id in /proc/cpuinfo") ]
