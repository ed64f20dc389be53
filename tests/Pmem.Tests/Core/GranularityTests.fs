/// Store granularity per mapping (issue 16, item 2), after PMDK's pmem2_granularity test: for each available
/// granularity (Byte: pmem with eADR, CacheLine: pmem without, Page: the msync path) and each required one, the map
/// succeeds exactly when the available one is not coarser, reports it, and otherwise fails with
/// GranularityNotSupported leaving the file as it was. PMEM2_FORCE_GRANULARITY overrides the detection as pmem2
/// does, except for private mappings (always Byte). Also device-DAX alignment rules from a fake sysfs. The options are
/// process-wide, so these run sequenced.
module Pmem.Tests.GranularityTests

open System
open System.IO
open Expecto
open Pmem
open Pmem.FSharp
open Pmem.Tests.TestDsl
open Pmem.Tests.SourceMapTests

let private page = 4096L

/// The options that make the given granularity available for a file on the disk temp directory, with the fake
/// sysfs tree (eADR or not) kept alive by the caller.
let private optionsFor (available: PmemGranularity) (eadr: FakeSysfs.Tree) (noEadr: FakeSysfs.Tree) =
    match available with
    | PmemGranularity.Byte -> PmemOptions(IsPmemForce = Nullable true, SysfsRoot = eadr.Root)
    | PmemGranularity.CacheLine -> PmemOptions(IsPmemForce = Nullable true, SysfsRoot = noEadr.Root)
    | _ -> PmemOptions(IsPmemForce = Nullable false, SysfsRoot = noEadr.Root)

let private all = [ PmemGranularity.Byte; PmemGranularity.CacheLine; PmemGranularity.Page ]

let private required (g: PmemGranularity) = PmemMapConfig(RequiredGranularity = Nullable g)

let private granularity =
    testList
        "granularity"
        [ testCase "required x available: maps when available <= required and reports it, else GranularityNotSupported" (fun () ->
              use dir = diskDir ()
              use eadr = FakeSysfs.ndRegions [ "region0", Some "cpu_cache\n" ]
              use noEadr = FakeSysfs.ndRegions [ "region0", Some "memory_controller\n" ]
              let path = dir.File "f"
              pattern path (4L * page) |> ignore
              let before = fileState path
              for available in all do
                  use _ = withOptions (optionsFor available eadr noEadr)
                  for req in all do
                      if available <= req then
                          use m = PmemSource.FromPath(path).Map(required req)
                          Expect.equal m.Granularity available $"required {req}, available {available}"
                      else
                          let e = refused PmemMapError.GranularityNotSupported (fun () -> PmemSource.FromPath(path).Map(required req) |> ignore)
                          Expect.stringContains e.Message (string available) "names the available granularity"
                  // No requirement: any granularity maps, and PmemFile.Map reports the same one.
                  use whole = PmemFile.Map path
                  whole.Granularity =! available
                  Expect.isNonEmpty whole.GranularityReason "a reason"
              fileState path =! before)

          testCase "the reason says eADR for Byte, flush for CacheLine and msync for Page" (fun () ->
              use dir = diskDir ()
              use eadr = FakeSysfs.ndRegions [ "region0", Some "cpu_cache\n" ]
              use noEadr = FakeSysfs.ndRegions [ "region0", Some "memory_controller\n" ]
              let path = dir.File "f"
              pattern path page |> ignore
              for available, word in [ PmemGranularity.Byte, "eADR"; PmemGranularity.CacheLine, "flush"; PmemGranularity.Page, "msync" ] do
                  use _ = withOptions (optionsFor available eadr noEadr)
                  use m = PmemSource.FromPath(path).Map()
                  Expect.stringContains m.GranularityReason word (string available))

          testCase "PMEM2_FORCE_GRANULARITY sets a shared mapping's granularity (case-insensitive); private stays Byte" (fun () ->
              use dir = diskDir ()
              use noEadr = FakeSysfs.ndRegions [ "region0", Some "memory_controller\n" ]
              use eadr = FakeSysfs.ndRegions [ "region0", Some "cpu_cache\n" ]
              let path = dir.File "f"
              pattern path page |> ignore
              for value, expected in [ "byte", PmemGranularity.Byte; "Cache_Line", PmemGranularity.CacheLine; "CACHELINE", PmemGranularity.CacheLine; "page", PmemGranularity.Page ] do
                  for sysfs in [ noEadr; eadr ] do
                      let parsed = PmemOptions.Parse(readOnlyDict [ "PMEM2_FORCE_GRANULARITY", value ])
                      use _ = withOptions (PmemOptions(ForceGranularity = parsed.ForceGranularity, SysfsRoot = sysfs.Root))
                      do
                          use m = PmemSource.FromPath(path).Map()
                          Expect.equal m.Granularity expected value
                          Expect.stringContains m.GranularityReason "PMEM2_FORCE_GRANULARITY" value
                          m.IsPmem =! (expected <> PmemGranularity.Page)
                      use p = PmemSource.FromPath(path).Map(PmemMapConfig(Sharing = PmemSharing.Private, RequiredGranularity = Nullable PmemGranularity.Byte))
                      p.Granularity =! PmemGranularity.Byte
              // An unknown value ('0', as PMDK's own granularity test sets) forces nothing.
              use _ = withOptions (PmemOptions(ForceGranularity = PmemOptions.Parse(readOnlyDict [ "PMEM2_FORCE_GRANULARITY", "0" ]).ForceGranularity, IsPmemForce = Nullable false))
              use m = PmemSource.FromPath(path).Map()
              m.Granularity =! PmemGranularity.Page)

          testCase "PMEM2_FORCE_GRANULARITY=CACHE_LINE on an eADR platform: CacheLine, and cache lines are flushed" (fun () ->
              use dir = diskDir ()
              use eadr = FakeSysfs.ndRegions [ "region0", Some "cpu_cache\n" ]
              let path = dir.File "f"
              pattern path page |> ignore
              let options = PmemOptions(ForceGranularity = Nullable PmemGranularity.CacheLine, SysfsRoot = eadr.Root)
              (ResolvedConfig.Create options).AutoFlush =! 1
              (ResolvedConfig.Create options).FlushesCaches =! (ResolvedConfig.Create options).HasCpuFlush
              use _ = withOptions options
              use m = PmemSource.FromPath(path).Map()
              m.Granularity =! PmemGranularity.CacheLine
              if PmemCapabilities.Current.FlushesCaches then
                  Expect.stringContains PmemCapabilities.Current.FlushesCachesReason "PMEM2_FORCE_GRANULARITY" "says why it flushes")

          testCase "F#: requireGranularity CacheLine on the msync path is Error Map GranularityNotSupported" (fun () ->
              use dir = diskDir ()
              let path = dir.File "f"
              pattern path page |> ignore
              use _ = withOptions (PmemOptions(IsPmemForce = Nullable false))
              match Mapping.tryMapFile (MapOptions.existing |> MapOptions.requireGranularity PmemGranularity.CacheLine) path with
              | Error (PmemError.Map (PmemMapError.GranularityNotSupported, message)) -> Expect.stringContains message "Page" "says what is available"
              | Ok m ->
                  m.Dispose()
                  failtest "mapped a Page-granularity file although CacheLine was required"
              | Error e -> failtestf "wrong error %A" e
              use m = Mapping.mapFile (MapOptions.existing |> MapOptions.requireGranularity PmemGranularity.Page) path
              m.Granularity =! PmemGranularity.Page) ]

let private deviceDax =
    testList
        "device DAX (fake sysfs over /dev/null, 1:3)"
        [ testCase "alignment and size come from sysfs; an offset that is page- but not device-aligned is OffsetUnaligned" (fun () ->
              use t = FakeSysfs.deviceDax 1 3 (Some(64L <<< 20)) 0
              use _ = withOptions (PmemOptions(SysfsRoot = t.Root))
              let source = PmemSource.FromPath "/dev/null"
              source.GetAlignment() =! (2L <<< 20)
              source.GetSize() =! (64L <<< 20)
              refused PmemMapError.OffsetUnaligned (fun () -> source.Map(PmemMapConfig(Offset = page)) |> ignore) |> ignore
              refused PmemMapError.LengthUnaligned (fun () -> source.Map(PmemMapConfig(Length = page)) |> ignore) |> ignore
              refused PmemMapError.MapRange (fun () -> source.Map(PmemMapConfig(Offset = (64L <<< 20))) |> ignore) |> ignore
              // The same through an open handle (pmem2_source_from_fd of a device-DAX device).
              use handle = File.OpenHandle("/dev/null", FileMode.Open, FileAccess.ReadWrite)
              let viaHandle = PmemSource.FromHandle handle
              viaHandle.GetAlignment() =! (2L <<< 20)
              viaHandle.GetSize() =! (64L <<< 20)
              refused PmemMapError.OffsetUnaligned (fun () -> viaHandle.Map(PmemMapConfig(Offset = page)) |> ignore) |> ignore)

          testCase "an alignment in sysfs that is not a power of two is InvalidAlignment (pmem2_source_alignment's check)" (fun () ->
              use t = FakeSysfs.deviceDax 1 3 (Some(64L <<< 20)) 0
              t.File("devices/platform/e820_pmem/ndbus0/region0/dax0.0/dax0.0/align", "3145728\n") |> ignore
              use _ = withOptions (PmemOptions(SysfsRoot = t.Root))
              let source = PmemSource.FromPath "/dev/null"
              let e = refused PmemMapError.InvalidAlignment (fun () -> source.Map() |> ignore)
              Expect.stringContains e.Message "3145728" "names the value"
              refused PmemMapError.InvalidAlignment (fun () -> source.GetAlignment() |> ignore) |> ignore)

          testCase "device DAX cannot be mapped private (DeviceDaxPrivate)" (fun () ->
              use t = FakeSysfs.deviceDax 1 3 (Some(64L <<< 20)) 0
              use _ = withOptions (PmemOptions(SysfsRoot = t.Root))
              refused PmemMapError.DeviceDaxPrivate (fun () -> PmemSource.FromPath("/dev/null").Map(PmemMapConfig(Sharing = PmemSharing.Private)) |> ignore)
              |> ignore) ]

let sequencedTests = testSequenced (testList "Granularity and device DAX (options)" [ granularity; deviceDax ])
