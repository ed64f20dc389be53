/// sysfs-driven platform facts: eADR (auto-flush), device DAX detection and size, deep flush, against fake trees.
module Pmem.Tests.PlatformTests

open System
open System.IO
open Expecto
open Pmem
open Pmem.Tests.TestDsl
open Pmem.Tests.FakeSysfs

let private detect root =
    let struct (result, _) = AutoFlush.Detect root
    result

let private autoFlush (tree: Tree) = detect tree.Root

/// nd region trees (each region's name and its persistence_domain file, None for none) and libpmem's answer for them.
let private regionCases =
    [ "a bus without regions gives 0", [], 0
      "regions without a persistence_domain file give 0", [ "region0", None; "region1", None ], 0
      "white space is not cpu_cache", [ "region0", Some " \\n\n"; "region1", Some " \\n\n" ], 0
      "an empty domain (just a newline) and memory_controller give 0",
      [ "region000", Some "\n"; "region111", Some "memory_controller\n" ],
      0
      "all regions cpu_cache gives 1", [ "region000", Some "cpu_cache\n"; "region111", Some "cpu_cache\n" ], 1
      "mixed regions give 0", [ "region0", Some "cpu_cache\n"; "region1", Some "memory_controller\n" ], 0
      "a near miss (cpu_caches) gives 0", [ "region0", Some "cpu_caches\n"; "region1", Some "cpu_cache\n" ], 0
      "an empty domain file is a read error: -1", [ "region0", Some ""; "region1", Some "cpu_cache\n" ], -1
      "a domain without its trailing newline is malformed: -1", [ "region0", Some "cpu_cache" ], -1 ]

let private autoFlushTests =
    testList
        "auto-flush (eADR)"
        [ testCase "no nd bus gives 0" (fun () ->
              use t = new Tree()
              autoFlush t =! 0)
          testCase "region directories that are not symlinks are ignored" (fun () ->
              use t = new Tree()
              t.Dir "bus/nd/devices/region0" |> ignore
              t.File("bus/nd/devices/region0/persistence_domain", "cpu_cache\n") |> ignore
              autoFlush t =! 0)
          for name, regions, expected in regionCases do
              testCase name (fun () ->
                  use t = ndRegions regions
                  autoFlush t =! expected)
          testCase "this machine's answer agrees with libpmem's" (fun () ->
              Native.Libpmem.require ()
              detect "/sys" =! Native.Libpmem.pmem_has_auto_flush ()) ]

let private deviceDaxTests =
    testList
        "device DAX"
        [ testCase "a dax character device is detected and described" (fun () ->
              use t = deviceDax 250 3 (Some 1073741824L) 7
              DeviceDax.IsDeviceDax(t.Root, 250u, 3u) =! true
              let info = DeviceDax.Describe(t.Root, 250u, 3u)
              info.Size =! 1073741824L
              info.Alignment =! 2097152L
              info.RegionId =! Nullable 7)
          testCase "another character device is not dax" (fun () ->
              use t = deviceDax 250 3 (Some 4096L) 0
              t.Dir "class/mem" |> ignore
              t.Dir "devices/virtual/mem/null" |> ignore
              t.Link("devices/virtual/mem/null/subsystem", "../../../../class/mem")
              t.Link("dev/char/1:3", "../../devices/virtual/mem/null")
              DeviceDax.IsDeviceDax(t.Root, 1u, 3u) =! false
              DeviceDax.IsDeviceDax(t.Root, 9u, 9u) =! false)
          testCase "a missing size attribute means no description" (fun () ->
              use t = deviceDax 250 4 None 0
              DeviceDax.IsDeviceDax(t.Root, 250u, 4u) =! true
              DeviceDax.Describe(t.Root, 250u, 4u) =! null) ]

/// /dev/null (1:3) dressed up as device DAX by a fake sysfs: exercises Map's device-DAX rules for real.
let private deviceDaxMapping =
    let asDax size f =
        use t = deviceDax 1 3 size 0
        use _ = withOptions (PmemOptions(SysfsRoot = t.Root))
        f ()
    let errnoOf (f: unit -> PmemMapping) =
        try
            f().Dispose()
            0
        with :? PmemException as e ->
            e.Errno
    testList
        "device DAX mapping rules"
        [ testCase "flags other than Create and Sparse give EINVAL" (fun () ->
              asDax (Some 4096L) (fun () ->
                  for flags in [ PmemFileFlags.Exclusive; PmemFileFlags.TempFile; PmemFileFlags.Create ||| PmemFileFlags.Exclusive ] do
                      errnoOf (fun () -> PmemFile.Map("/dev/null", 0L, flags)) =! 22))
          testCase "a length other than 0 or the device size gives EINVAL" (fun () ->
              asDax (Some 4096L) (fun () ->
                  for length in [ 1L; 4095L; 8192L ] do
                      errnoOf (fun () -> PmemFile.Map("/dev/null", length, PmemFileFlags.Create)) =! 22))
          testCase "an unreadable size gives EINVAL" (fun () ->
              asDax None (fun () -> errnoOf (fun () -> PmemFile.Map("/dev/null", 0L)) =! 22))
          testCase "length 0 or the exact size reach mmap (which /dev/null refuses with ENODEV)" (fun () ->
              asDax (Some 4096L) (fun () ->
                  for length, flags in [ 0L, PmemFileFlags.None; 4096L, PmemFileFlags.Create ||| PmemFileFlags.Sparse ] do
                      errnoOf (fun () -> PmemFile.Map("/dev/null", length, flags)) =! 19))
          testCase "without the fake tree /dev/null is not a mappable file" (fun () ->
              errnoOf (fun () -> PmemFile.Map("/dev/null", 0L)) =! 22) ]

let tests = testList "Platform" [ autoFlushTests; deviceDaxTests ]

let sequencedTests = testSequenced (testList "Platform (options)" [ deviceDaxMapping ])
