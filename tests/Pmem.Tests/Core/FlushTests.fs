/// The emitted flush stubs, flush/drain/persist/msync/deep persist, and the options that switch their paths.
module Pmem.Tests.FlushTests

open System
open System.IO
open System.Threading
open Microsoft.FSharp.NativeInterop
open Expecto
open Hedgehog
open Hedgehog.FSharp
open Pmem
open Pmem.Tests.TestDsl

let private voidPtr (address: nativeint) = NativePtr.toVoidPtr (NativePtr.ofNativeInt<byte> address)

/// The stub bytes, written out by hand from the Intel SDM encodings (not from the encoder).
let private expectedStub =
    [ FlushInstruction.Clwb,
      [| 0xF3; 0x0F; 0x1E; 0xFA; 0x48; 0x85; 0xF6; 0x74; 0x15; 0x48; 0x8D; 0x14; 0x37; 0x48; 0x83; 0xE7; 0xC0
         0x66; 0x0F; 0xAE; 0x37; 0x48; 0x83; 0xC7; 0x40; 0x48; 0x39; 0xD7; 0x72; 0xF3; 0xC3 |]
      FlushInstruction.Clflushopt,
      [| 0xF3; 0x0F; 0x1E; 0xFA; 0x48; 0x85; 0xF6; 0x74; 0x15; 0x48; 0x8D; 0x14; 0x37; 0x48; 0x83; 0xE7; 0xC0
         0x66; 0x0F; 0xAE; 0x3F; 0x48; 0x83; 0xC7; 0x40; 0x48; 0x39; 0xD7; 0x72; 0xF3; 0xC3 |]
      FlushInstruction.Clflush,
      [| 0xF3; 0x0F; 0x1E; 0xFA; 0x48; 0x85; 0xF6; 0x74; 0x14; 0x48; 0x8D; 0x14; 0x37; 0x48; 0x83; 0xE7; 0xC0
         0x0F; 0xAE; 0x3F; 0x48; 0x83; 0xC7; 0x40; 0x48; 0x39; 0xD7; 0x72; 0xF4; 0xC3 |] ]
    |> List.map (fun (i, bytes) -> i, Array.map byte bytes)

let private mnemonic =
    function
    | FlushInstruction.Clwb -> "clwb"
    | FlushInstruction.Clflushopt -> "clflushopt"
    | _ -> "clflush"

let private encodingTests =
    testList
        "stub encoding"
        [ for instruction, bytes in expectedStub do
              yield testCase $"{instruction} bytes are exact" (fun () -> FlushStubEncoding.Encode instruction =! bytes)

              yield testCase $"{instruction} disassembles to the intended loop" (fun () ->
                  match tryFindOnPath "objdump" with
                  | None -> skip "objdump (binutils) is not installed"
                  | Some objdump ->
                      use dir = diskDir ()
                      let file = dir.File "stub.bin"
                      File.WriteAllBytes(file, FlushStubEncoding.Encode instruction)
                      let code, text = run objdump [ "-D"; "-b"; "binary"; "-m"; "i386:x86-64"; file ]
                      code =! 0
                      let lines =
                          text.Split('\n')
                          |> Array.filter (fun l -> l.Contains ":\t")
                          |> Array.map (fun l -> l.Split('\t') |> Array.last |> fun s -> s.Trim())
                      let ops = lines |> Array.map (fun l -> l.Split(' ').[0])
                      ops =! [| "endbr64"; "test"; "je"; "lea"; "and"; mnemonic instruction; "add"; "cmp"; "jb"; "ret" |]
                      // The loop jumps back to the flush; the early exit lands on ret.
                      let target (l: string) = l.Split(' ', StringSplitOptions.RemoveEmptyEntries).[1]
                      let offsets = text.Split('\n') |> Array.filter (fun l -> l.Contains ":\t") |> Array.map (fun l -> "0x" + l.Split(':').[0].Trim())
                      target lines.[8] =! offsets.[5]
                      target lines.[2] =! offsets.[9]) ]

/// An anonymous read-write region with an inaccessible page on each side: touching outside it faults.
type private Guarded(pages: int) =
    let page = 4096n
    let total = unativeint (page * nativeint (pages + 2))
    let base' = Interop.Libc.mmap (0n, total, Interop.Libc.PROT_NONE, Interop.Libc.MAP_PRIVATE ||| Interop.Libc.MAP_ANONYMOUS, -1, 0L)
    do
        if base' = -1n then failwith "mmap failed"
        if Interop.Libc.mprotect (base' + page, unativeint (page * nativeint pages), Interop.Libc.PROT_READ ||| Interop.Libc.PROT_WRITE) <> 0 then
            failwith "mprotect failed"
    member _.Start = base' + page
    member _.Length = int (page * nativeint pages)
    interface IDisposable with
        member _.Dispose() = Interop.Libc.munmap (base', total) |> ignore

let private stubTests =
    testList
        "stub effect"
        [ yield testCase "the stub page is read-execute, never writable" (fun () ->
              Expect.isNull FlushStubs.Failure "stubs were made"
              let stubAddress = FlushStubs.AddressOf FlushInstruction.Clwb
              let line =
                  File.ReadAllLines "/proc/self/maps"
                  |> Array.find (fun l ->
                      let r = l.Split(' ').[0].Split('-')
                      let lo, hi = Convert.ToUInt64(r.[0], 16), Convert.ToUInt64(r.[1], 16)
                      uint64 stubAddress >= lo && uint64 stubAddress < hi)
              line.Split(' ').[1] =! "r-xp")

          for instruction in [ FlushInstruction.Clwb; FlushInstruction.Clflushopt; FlushInstruction.Clflush ] do
              yield testCase $"{instruction} flushes exactly the lines of the range (guard pages on both sides)" (fun () ->
                  let cpu = CpuInfo.Detect()
                  let supported =
                      match instruction with
                      | FlushInstruction.Clwb -> cpu.Clwb
                      | FlushInstruction.Clflushopt -> cpu.Clflushopt
                      | _ -> cpu.Clflush
                  if not supported then skip $"this CPU has no {instruction}"
                  use g = new Guarded(2)
                  let data = Array.init g.Length byte
                  Runtime.InteropServices.Marshal.Copy(data, 0, g.Start, g.Length)
                  // Every start in the first and last line, every length that stays inside: a stray line faults.
                  for offset in [ 0..64 ] @ [ g.Length - 64 .. g.Length - 1 ] do
                      for length in [ 0; 1; 63; 64; 65; g.Length - offset ] do
                          if offset + length <= g.Length then
                              FlushStubs.Run(instruction, NativePtr.ofNativeInt<byte> (g.Start + nativeint offset), unativeint length)
                  let back = Array.zeroCreate<byte> g.Length
                  Runtime.InteropServices.Marshal.Copy(g.Start, back, 0, g.Length)
                  back =! data) ]

let private onMapping (f: PmemMapping -> unit) =
    use dir = shmDir ()
    use m = PmemFile.Map(dir.File "flush.pmem", 4L <<< 20, PmemFileFlags.Create)
    f m

/// Each flush instruction forced in turn over generated ranges: the data is intact and the chosen path is the one asked for.
let private variantTests =
    let variants =
        [ "CLWB", PmemOptions(IsPmemForce = Nullable true), FlushInstruction.Clwb
          "CLFLUSHOPT (PMEM_NO_CLWB=1)", PmemOptions(IsPmemForce = Nullable true, NoClwb = true), FlushInstruction.Clflushopt
          "CLFLUSH (PMEM_NO_CLWB=1, PMEM_NO_CLFLUSHOPT=1)", PmemOptions(IsPmemForce = Nullable true, NoClwb = true, NoClflushopt = true), FlushInstruction.Clflush ]
    testList
        "flush variants"
        [ for name, options, instruction in variants ->
              testPropertyN $"{name}: flush, persist and deep persist keep the data, on generated ranges" 30
              <| property {
                  let size = 4 <<< 20
                  let! offset = Gen.int32 (Range.linear 0 (size - 1))
                  let! length = Gen.int32 (Range.exponential 0 (size - offset))
                  let! seed = Gen.int32 (Range.constantBounded ())
                  use _ = withOptions options
                  PmemCapabilities.Current.Flush =! instruction
                  onMapping (fun m ->
                      m.IsPmem =! true
                      let data = Array.zeroCreate<byte> length
                      System.Random(seed).NextBytes data
                      m.Copy(int64 offset, ReadOnlySpan data, PmemCopyFlags.NoFlush)
                      let p = voidPtr (m.Address + nativeint offset)
                      PersistentMemory.Flush(p, unativeint length)
                      PersistentMemory.Drain()
                      m.Flush(int64 offset, int64 length)
                      m.Drain()
                      m.Persist(int64 offset, int64 length)
                      m.DeepPersist(int64 offset, int64 length)
                      PersistentMemory.DeepPersist(p, unativeint length)
                      m.GetSpan(int64 offset, length).ToArray() =! data)
              } ]

/// How options and platform facts switch the paths (a CPU with every feature, so only the options decide).
let private switchTests =
    let full = CpuInfo("GenuineIntel", true, true, true, false, true, true, true)
    let config (o: PmemOptions) = ResolvedConfig.Create o
    testList
        "path switching"
        [ testCase "CLWB > CLFLUSHOPT > CLFLUSH, each NO_* honoured" (fun () ->
              (config (PmemOptions(SimulatedCpu = full))).Instruction =! FlushInstruction.Clwb
              (config (PmemOptions(SimulatedCpu = full, NoClwb = true))).Instruction =! FlushInstruction.Clflushopt
              (config (PmemOptions(SimulatedCpu = full, NoClflushopt = true))).Instruction =! FlushInstruction.Clwb
              (config (PmemOptions(SimulatedCpu = full, NoClwb = true, NoClflushopt = true))).Instruction =! FlushInstruction.Clflush
              (config (PmemOptions(SimulatedCpu = CpuInfo("AuthenticAMD", true, false, true, false, true, true, false)))).Instruction =! FlushInstruction.Clwb)
          testCase "drain fences after CLWB and CLFLUSHOPT, not after CLFLUSH" (fun () ->
              (config (PmemOptions(SimulatedCpu = full))).DrainFences =! true
              (config (PmemOptions(SimulatedCpu = full, NoClwb = true))).DrainFences =! true
              (config (PmemOptions(SimulatedCpu = full, NoClwb = true, NoClflushopt = true))).DrainFences =! false)
          testCase "PMEM_NO_FLUSH=1 turns flushes off, =0 forces them on even with eADR" (fun () ->
              use eadr = FakeSysfs.ndRegions [ "region0", Some "cpu_cache\n" ]
              (config (PmemOptions(SimulatedCpu = full))).FlushesCaches =! true
              (config (PmemOptions(SimulatedCpu = full, NoFlush = Nullable true))).FlushesCaches =! false
              (config (PmemOptions(SimulatedCpu = full, SysfsRoot = eadr.Root))).FlushesCaches =! false
              (config (PmemOptions(SimulatedCpu = full, SysfsRoot = eadr.Root, NoFlush = Nullable false))).FlushesCaches =! true
              (config (PmemOptions(SimulatedCpu = full, ForceGranularity = Nullable PmemGranularity.Byte))).FlushesCaches =! false)
          testCase "copy path: AVX-512F > AVX > SSE2, PMEM_AVX512F=0, PMEM_AVX=0, PMEM_NO_MOVNT=1" (fun () ->
              (config (PmemOptions(SimulatedCpu = full))).Isa =! CopyIsa.Avx512F
              (config (PmemOptions(SimulatedCpu = full, Avx512F = false))).Isa =! CopyIsa.Avx
              (config (PmemOptions(SimulatedCpu = full, Avx512F = false, Avx = false))).Isa =! CopyIsa.Sse2
              (config (PmemOptions(SimulatedCpu = full, Avx = false))).Isa =! CopyIsa.Avx512F
              (config (PmemOptions(SimulatedCpu = full, NoMovnt = true))).Isa =! CopyIsa.Generic)
          testCase "threshold and write-combining workaround" (fun () ->
              (config (PmemOptions(SimulatedCpu = full))).NtThreshold =! 256un
              (config (PmemOptions(SimulatedCpu = full, MovntThreshold = 0L))).NtThreshold =! 0un
              (config (PmemOptions(SimulatedCpu = full))).WcWorkaround =! true
              (config (PmemOptions(SimulatedCpu = CpuInfo("AuthenticAMD", true, true, true, false, true, true, true)))).WcWorkaround =! false
              (config (PmemOptions(SimulatedCpu = full, WcWorkaround = Nullable false))).WcWorkaround =! false)
          testCase "a CPU without any flush instruction falls back to msync and is never pmem" (fun () ->
              let c = config (PmemOptions(SimulatedCpu = CpuInfo("x", false, false, false, false, true, false, false), IsPmemForce = Nullable true))
              c.HasCpuFlush =! false
              let struct (isPmem, _) = c.ClassifyMapping(true, true)
              isPmem =! false) ]

/// Tests that change process-wide options or depend on them.
let private processWideTests =
    testList
        "process-wide"
        [ testCase "when the stub page cannot be made executable everything falls back to msync, and the report says why" (fun () ->
              use _ = withOptions (PmemOptions(DisableFlushStubs = true, IsPmemForce = Nullable true))
              let caps = PmemCapabilities.Current
              caps.Flush =! FlushInstruction.None
              Expect.stringContains caps.FlushReason "msync" "reason"
              use dir = diskDir ()
              use m = PmemFile.Map(dir.File "nostub", 8192L, PmemFileFlags.Create)
              m.IsPmem =! false
              Expect.stringContains m.IsPmemReason "msync" "reason"
              m.Fill(10L, 7uy, 100L)
              let p = voidPtr (m.Address + 10n)
              PersistentMemory.Persist(p, 100un) // msync underneath: must not fail
              PersistentMemory.IsPmem(p, 1un) =! false
              m.GetSpan(10L, 100).ToArray() =! Array.create 100 7uy)

          testCase "PersistentMemory.IsPmem follows PMEM_IS_PMEM_FORCE and is false for length 0" (fun () ->
              let buffer = Runtime.InteropServices.NativeMemory.AlignedAlloc(4096un, 64un)
              try
                  use _ = withOptions (PmemOptions(IsPmemForce = Nullable true))
                  PersistentMemory.IsPmem(buffer, 1un) =! true
                  PersistentMemory.IsPmem(buffer, 0un) =! false
                  use _ = withOptions (PmemOptions(IsPmemForce = Nullable false))
                  PersistentMemory.IsPmem(buffer, 1un) =! false
                  use _ = withOptions PmemOptions.Default
                  PersistentMemory.IsPmem(buffer, 1un) =! false // plain native memory is never registered
              finally
                  Runtime.InteropServices.NativeMemory.AlignedFree buffer)

          testCase "the capability report on this machine names the instruction and the reasons" (fun () ->
              use _ = withOptions PmemOptions.Default
              let cpu = CpuInfo.Detect()
              let caps = PmemCapabilities.Current
              let text = caps.ToString()
              if cpu.Clwb then
                  caps.Flush =! FlushInstruction.Clwb
                  Expect.stringContains text "CPUID leaf 7 EBX bit 24; not disabled by PMEM_NO_CLWB" "CLWB reason"
              if cpu.Avx512F then
                  caps.CopyIsa =! CopyIsa.Avx512F
                  Expect.stringContains text "Avx512F" "AVX-512 named"
              for label in [ "flush"; "drain"; "copy path"; "NT threshold"; "auto-flush"; "is-pmem"; "environment" ] do
                  Expect.stringContains text label label)

          testCase "the report lists each override seen" (fun () ->
              use _ = withOptions (PmemOptions.Parse(dict [ "PMEM_NO_CLWB", "1"; "PMEM_AVX512F", "0" ] |> Collections.Generic.Dictionary))
              let caps = PmemCapabilities.Current
              let text = caps.ToString()
              Expect.stringContains text "PMEM_NO_CLWB=\"1\"" "NO_CLWB listed"
              Expect.stringContains text "PMEM_AVX512F=\"0\"" "AVX512F listed"
              if CpuInfo.Detect().Clflushopt then caps.Flush =! FlushInstruction.Clflushopt
              Expect.notEqual caps.CopyIsa CopyIsa.Avx512F "AVX-512 off")

          testCase "PersistentMemory.HasAutoFlush reads the configured sysfs; HasHardwareDrain is false" (fun () ->
              use all = FakeSysfs.ndRegions [ "region0", Some "cpu_cache\n" ]
              use _ = withOptions (PmemOptions(SysfsRoot = all.Root))
              PersistentMemory.HasAutoFlush() =! 1
              PmemCapabilities.Current.FlushesCaches =! false
              PersistentMemory.HasHardwareDrain() =! false)

          testCase "deep drain of device-DAX ranges writes the region's deep_flush, honouring 0 and reporting errors" (fun () ->
              use t = new FakeSysfs.Tree()
              let deepFlush = t.File("bus/nd/devices/region5/deep_flush", "1\n")
              use _ = withOptions (PmemOptions(SysfsRoot = t.Root))
              let buffer = Runtime.InteropServices.NativeMemory.AlignedAlloc(8192un, 4096un)
              let start = unativeint (NativePtr.toNativeInt (NativePtr.ofVoidPtr<byte> buffer))
              PmemRangeRegistry.Register(PmemRange(start, start + 4096un, PmemRangeKind.DeviceDax, Nullable 5))
              try
                  File.WriteAllText(deepFlush, "7\n")
                  PersistentMemory.DeepPersist(buffer, 4096un)
                  File.ReadAllText deepFlush =! "1\n" // "1" written over the first byte
                  File.WriteAllText(deepFlush, "0\n")
                  PersistentMemory.DeepPersist(buffer, 4096un)
                  File.ReadAllText deepFlush =! "0\n" // "0" means not supported: left alone
                  File.WriteAllText(deepFlush, "1\n")
                  File.SetUnixFileMode(deepFlush, UnixFileMode.UserRead ||| UnixFileMode.GroupRead ||| UnixFileMode.OtherRead)
                  match Native.asUnprivileged (fun () -> (catchT<PmemException> (fun () -> PersistentMemory.DeepDrain(buffer, 4096un))).Errno) with
                  | Some errno -> errno =! 13
                  | None -> ()
                  File.Delete deepFlush
                  (catchT<PmemException> (fun () -> PersistentMemory.DeepDrain(buffer, 4096un))).Errno =! 2
              finally
                  PmemRangeRegistry.Unregister start
                  Runtime.InteropServices.NativeMemory.AlignedFree buffer) ]

let private registryTests =
    testList
        "is-pmem ranges"
        [ testCase "a range is pmem only when wholly inside registered ranges, which may be adjacent" (fun () ->
              // Addresses in the top half of the address space can never belong to a real mapping of this process.
              let b = 0xFFFF_9000_0000_0000un
              PmemRangeRegistry.Register(PmemRange(b, b + 0x1000un, PmemRangeKind.MapSync, Nullable()))
              PmemRangeRegistry.Register(PmemRange(b + 0x1000un, b + 0x3000un, PmemRangeKind.MapSync, Nullable()))
              PmemRangeRegistry.Register(PmemRange(b + 0x4000un, b + 0x5000un, PmemRangeKind.MapSync, Nullable()))
              try
                  PmemRangeRegistry.Covers(b, 0x1000un) =! true
                  PmemRangeRegistry.Covers(b + 0x800un, 0x2000un) =! true // spans two adjacent ranges
                  PmemRangeRegistry.Covers(b + 0x2800un, 0x1000un) =! false // runs into the gap
                  PmemRangeRegistry.Covers(b + 0x4000un, 0x1000un) =! true
                  PmemRangeRegistry.Covers(b + 0x4000un, 0x1001un) =! false
                  PmemRangeRegistry.Covers(b, 0un) =! false
                  PmemRangeRegistry.Covers(b - 1un, 2un) =! false
              finally
                  for s in [ b; b + 0x1000un; b + 0x4000un ] do
                      PmemRangeRegistry.Unregister s
              PmemRangeRegistry.Covers(b, 1un) =! false) ]

let private msyncTests =
    testList
        "msync"
        [ testCase "an unaligned range is rounded to pages and succeeds" (fun () ->
              use dir = diskDir ()
              use m = PmemFile.Map(dir.File "ms", 3L * 4096L, PmemFileFlags.Create)
              m.Fill(5000L, 1uy, 10L, PmemCopyFlags.NoFlush)
              PersistentMemory.Msync(voidPtr (m.Address + 5000n), 10un)
              m.Msync(4097L, 8000L))
          testCase "msync of memory that is not mapped is a PmemException with ENOMEM" (fun () ->
              // The upper half of the address space is never mapped for a user process (no race with other tests' mmaps).
              let p = nativeint 0xFFFF_9000_0000_0000UL
              let e = catchT<PmemException> (fun () -> PersistentMemory.Msync(voidPtr p, 100un))
              e.Errno =! 12
              Expect.stringContains e.Message "msync" "names the operation")
          testCase "on a non-pmem mapping Persist and Flush msync (data reaches the file)" (fun () ->
              use dir = diskDir ()
              let path = dir.File "np"
              use m = PmemFile.Map(path, 4096L, PmemFileFlags.Create)
              m.GetSpan(0L, 3).Fill 5uy
              m.Persist(0L, 3L)
              m.GetSpan(3L, 3).Fill 6uy
              m.Flush(3L, 3L)
              m.Drain()
              use copy = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite)
              let head = Array.zeroCreate 6
              copy.ReadExactly(head, 0, 6)
              head =! [| 5uy; 5uy; 5uy; 6uy; 6uy; 6uy |]) ]

let private concurrencyTests =
    testList
        "concurrency"
        [ testCase "threads persisting disjoint ranges while another disposes never crash" (fun () ->
              use dir = shmDir ()
              for round in 1..20 do
                  let m = PmemFile.Map(dir.File $"c{round}", 1L <<< 20, PmemFileFlags.Create)
                  let failures = Collections.Concurrent.ConcurrentBag<exn>()
                  let worker (index: int) () =
                      let offset = int64 index * 65536L
                      let mutable running = true
                      while running do
                          try
                              m.Fill(offset, byte index, 65536L, PmemCopyFlags.NoFlush)
                              m.Persist(offset, 65536L)
                              m.Flush(offset, 4096L)
                              m.Drain()
                          with
                          | :? ObjectDisposedException -> running <- false
                          | e ->
                              failures.Add e
                              running <- false
                  let threads = [ for i in 0..3 -> Thread(worker i) ]
                  threads |> List.iter (fun t -> t.Start())
                  Thread.Sleep 5
                  m.Dispose()
                  threads |> List.iter (fun t -> t.Join())
                  Expect.isEmpty failures "only ObjectDisposedException may stop a worker") ]

let tests = testList "Flush" [ encodingTests; stubTests; switchTests; registryTests; msyncTests; concurrencyTests ]

let sequencedTests = testSequenced (testList "Flush (options)" [ variantTests; processWideTests ])
