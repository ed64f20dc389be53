/// Device facts from sysfs (PmemDeviceInfo): device id, unsafe-shutdown count, NUMA node, alignment, size and bad
/// blocks for fsdax files and device-DAX devices, from fake sysfs trees (with missing files and garbage), and
/// clearing a bad block of a file by punching a hole and reallocating it.
module Pmem.Tests.DeviceInfoTests

open System
open System.IO
open Expecto
open Pmem
open Pmem.Tests.TestDsl
open Pmem.Tests.FakeSysfs

type private L = Interop.Libc
type private S = PmemDeviceFactStatus

let private deviceOf (path: string) =
    let mutable st = Unchecked.defaultof<L.StatBuffer>
    L.stat (path, &st) =! 0
    L.Major st.st_dev, L.Minor st.st_dev

let private bus = "devices/platform/ACPI0012:00/ndbus0"
let private region = $"{bus}/region0"
let private blockDevice = $"{region}/namespace0.0/block/pmem0"

/// A DIMM of the fake region: name, nfit/id and nfit/dirty_shutdown contents (None: no such file).
type private Dimm = { Name: string; Id: string option; Usc: string option }

let private dimm name id usc = { Name = name; Id = Some id; Usc = Some usc }

/// A tree in which the block device M:m is pmem0 of namespace0.0 in region0, built from the DIMMs.
let private fsdaxTree (major: uint32, minor: uint32) (dimms: Dimm list) =
    let t = new Tree()
    t.Dir blockDevice |> ignore
    t.File($"{blockDevice}/dev", $"{major}:{minor}\n") |> ignore
    t.Link($"dev/block/{major}:{minor}", $"../../{blockDevice}")
    t.File($"{region}/numa_node", "1\n") |> ignore
    t.File($"{region}/mappings", $"{dimms.Length}\n") |> ignore

    dimms
    |> List.iteri (fun i d ->
        t.File($"{region}/mapping{i}", $"{d.Name},0,1073741824,{i}\n") |> ignore
        t.Dir $"{bus}/{d.Name}" |> ignore
        d.Id |> Option.iter (fun v -> t.File($"{bus}/{d.Name}/nfit/id", v) |> ignore)
        d.Usc |> Option.iter (fun v -> t.File($"{bus}/{d.Name}/nfit/dirty_shutdown", v) |> ignore)
        t.Link($"bus/nd/devices/{d.Name}", $"../../../{bus}/{d.Name}"))

    t

let private twoDimms = [ dimm "nmem0" "8089-a2-1837-00000a01\n" "3\n"; dimm "nmem1" "8089-a2-1837-00000b02\n" "5\n" ]

/// A file of 'size' bytes of 0xAB in a temp directory on disk.
let private withFile (size: int) (test: string -> unit) =
    use dir = diskDir ()
    let path = dir.File "data"
    File.WriteAllBytes(path, Array.create size 0xABuy)
    test path

let private expectStatus (status: S) (fact: PmemDeviceFact<'a>) (contains: string) =
    Expect.equal fact.Status status $"status of {fact}"
    Expect.stringContains fact.Reason contains "the reason"

let private fsdaxFacts =
    testList
        "fsdax file"
        [ testCase "id, unsafe-shutdown count, NUMA node, alignment and size of a file on a namespace" (fun () ->
              withFile 65536 (fun path ->
                  use t = fsdaxTree (deviceOf path) twoDimms
                  let info = PmemDeviceInfo.ForPath(path, t.Root)
                  (info.Kind, info.Region, info.Namespace) =! (PmemDeviceKind.FsDax, "region0", "namespace0.0")
                  info.DeviceId =! PmemDeviceFact<string>(S.Known, "8089-a2-1837-00000a018089-a2-1837-00000b02", info.DeviceId.Reason)
                  info.UnsafeShutdownCount.Value =! 8UL
                  info.NumaNode.Value =! 1
                  info.Alignment.Value =! int64 (L.getpagesize ())
                  info.Size.Value =! 65536L
                  Expect.stringContains (string info) "unsafe shutdowns 8" "the printed report"))

          testCase "a DIMM without dirty_shutdown: the count is not supported, the id still is" (fun () ->
              withFile 4096 (fun path ->
                  use t = fsdaxTree (deviceOf path) [ dimm "nmem0" "a\n" "3\n"; { Name = "nmem1"; Id = Some "b\n"; Usc = None } ]
                  let info = PmemDeviceInfo.ForPath(path, t.Root)
                  expectStatus S.NotSupported info.UnsafeShutdownCount "/sys/bus/nd/devices/nmem1/nfit/dirty_shutdown does not exist"
                  info.DeviceId.Value =! "ab"))

          testCase "a DIMM without an id: the id is not supported" (fun () ->
              withFile 4096 (fun path ->
                  use t = fsdaxTree (deviceOf path) [ { Name = "nmem0"; Id = None; Usc = Some "3\n" } ]
                  let info = PmemDeviceInfo.ForPath(path, t.Root)
                  expectStatus S.NotSupported info.DeviceId "nfit/id does not exist"
                  info.UnsafeShutdownCount.Value =! 3UL))

          for content, why in [ "12abc\n", "not a decimal number"; "", "empty"; "7", "not newline-terminated"; "-1\n", "negative" ] do
              testCase $"dirty_shutdown holding %A{content}: %s{why}" (fun () ->
                  withFile 4096 (fun path ->
                      use t = fsdaxTree (deviceOf path) [ dimm "nmem0" "a\n" content ]
                      let info = PmemDeviceInfo.ForPath(path, t.Root)
                      let status = if content = "-1\n" then S.NotSupported else S.Malformed
                      expectStatus status info.UnsafeShutdownCount why))

          testCase "numa_node missing, then garbage" (fun () ->
              withFile 4096 (fun path ->
                  use t = fsdaxTree (deviceOf path) twoDimms
                  File.Delete(t.Path $"{region}/numa_node")
                  expectStatus S.NotSupported (PmemDeviceInfo.ForPath(path, t.Root)).NumaNode "numa_node does not exist"
                  t.File($"{region}/numa_node", "node1\n") |> ignore
                  expectStatus S.Malformed (PmemDeviceInfo.ForPath(path, t.Root)).NumaNode "not a decimal number"))

          testCase "a region mapping that is not nmemX,offset,length,position" (fun () ->
              withFile 4096 (fun path ->
                  use t = fsdaxTree (deviceOf path) twoDimms
                  t.File($"{region}/mapping1", "garbage\n") |> ignore
                  let info = PmemDeviceInfo.ForPath(path, t.Root)
                  expectStatus S.Malformed info.UnsafeShutdownCount "not nmemX,offset,length,position"
                  expectStatus S.Malformed info.DeviceId "not nmemX,offset,length,position"))

          testCase "a region mapping naming a DIMM the bus does not have" (fun () ->
              withFile 4096 (fun path ->
                  use t = fsdaxTree (deviceOf path) twoDimms
                  t.File($"{region}/mapping0", "nmem9,0,1,0\n") |> ignore
                  expectStatus S.NotSupported (PmemDeviceInfo.ForPath(path, t.Root)).UnsafeShutdownCount "nmem9"))

          testCase "a region without a mappings count" (fun () ->
              withFile 4096 (fun path ->
                  use t = fsdaxTree (deviceOf path) twoDimms
                  File.Delete(t.Path $"{region}/mappings")
                  expectStatus S.NotSupported (PmemDeviceInfo.ForPath(path, t.Root)).UnsafeShutdownCount "mappings does not exist")) ]

let private notPmem =
    testList
        "not pmem"
        [ testCase "a file whose device has no /sys/dev/block entry: every device fact says why, size still known" (fun () ->
              withFile 4096 (fun path ->
                  use t = new Tree()
                  let info = PmemDeviceInfo.ForPath(path, t.Root)
                  info.Kind =! PmemDeviceKind.NotPmem
                  Expect.stringContains info.KindReason "no /sys/dev/block entry" "the reason"
                  expectStatus S.NotPmemDevice info.DeviceId "no /sys/dev/block entry"
                  expectStatus S.NotPmemDevice info.UnsafeShutdownCount "no /sys/dev/block entry"
                  expectStatus S.NotPmemDevice info.NumaNode "no /sys/dev/block entry"
                  info.Size.Value =! 4096L
                  expectStatus S.NotPmemDevice (info.BadBlocks()) "no /sys/dev/block entry"
                  expectStatus S.NotPmemDevice (info.ClearBadBlock(PmemBadBlock(0L, 4096L))) "no /sys/dev/block entry"
                  Expect.all (File.ReadAllBytes path) (fun b -> b = 0xABuy) "clearing on a non-pmem file changes nothing"))

          testCase "a block device outside any nd region" (fun () ->
              withFile 4096 (fun path ->
                  use t = new Tree()
                  let major, minor = deviceOf path
                  t.Dir "devices/virtual/block/vda" |> ignore
                  t.Link($"dev/block/{major}:{minor}", "../../devices/virtual/block/vda")
                  let info = PmemDeviceInfo.ForPath(path, t.Root)
                  info.Kind =! PmemDeviceKind.NotPmem
                  Expect.stringContains info.KindReason "not under an nd region" "the reason"))

          testCase "this machine's real /sys: the temp directory is not pmem, and the answer says why" (fun () ->
              withFile 4096 (fun path ->
                  let info = PmemDeviceInfo.ForPath path
                  if info.Kind = PmemDeviceKind.NotPmem then
                      expectStatus S.NotPmemDevice info.UnsafeShutdownCount ""
                      Expect.isNonEmpty info.KindReason "a reason"))

          testCase "a mapping: the facts of its file" (fun () ->
              withFile 8192 (fun path ->
                  use m = PmemFile.Map path
                  let info = PmemDeviceInfo.ForMapping m
                  (info.Path, info.Size.Value) =! (path, 8192L)))

          testCase "a directory and a missing path" (fun () ->
              use dir = diskDir ()
              use t = new Tree()
              let info = PmemDeviceInfo.ForPath(dir.Path, t.Root)
              expectStatus S.NotSupported info.Size "directory"
              expectStatus S.NotSupported info.DeviceId "directory"
              let missing = PmemDeviceInfo.ForPath(dir.File "absent", t.Root)
              expectStatus S.Unreadable missing.Size "ENOENT"
              expectStatus S.Unreadable (missing.BadBlocks()) "ENOENT") ]

/// /dev/null (character device 1:3) presented as device DAX dax0.0 of region0: the namespace starts 2 MiB into the
/// region and is 64 MiB long.
let private devdaxTree () =
    let t = deviceDax 1 3 (Some(64L <<< 20)) 0
    t.File("devices/platform/e820_pmem/ndbus0/region0/resource", "0x100000000\n") |> ignore
    t.File("devices/platform/e820_pmem/ndbus0/region0/dax0.0/resource", "0x100200000\n") |> ignore
    t.File("devices/platform/e820_pmem/ndbus0/region0/dax0.0/size", $"{64L <<< 20}\n") |> ignore
    t.File("devices/platform/e820_pmem/ndbus0/region0/numa_node", "0\n") |> ignore
    t

let private regionBadblocks = "devices/platform/e820_pmem/ndbus0/region0/badblocks"

let private deviceDaxFacts =
    testList
        "device DAX"
        [ testCase "size and alignment from sysfs, NUMA node from the region, no DIMM mappings: count not supported" (fun () ->
              use t = devdaxTree ()
              let info = PmemDeviceInfo.ForPath("/dev/null", t.Root)
              (info.Kind, info.Region, info.Namespace) =! (PmemDeviceKind.DeviceDax, "region0", "dax0.0")
              info.Size.Value =! (64L <<< 20)
              info.Alignment.Value =! 2097152L
              info.NumaNode.Value =! 0
              expectStatus S.NotSupported info.UnsafeShutdownCount "mappings does not exist")

          testCase "region bad blocks clipped to the device and made relative to it" (fun () ->
              use t = devdaxTree ()
              // 2 MiB = sector 4096 (the device's first 4 KiB); sector 0 is before it; the last block straddles its end.
              t.File(regionBadblocks, "0 8\n4096 8\n135160 16\n400000 8\n") |> ignore
              let info = PmemDeviceInfo.ForPath("/dev/null", t.Root)
              let blocks = info.BadBlocks()
              blocks.Status =! S.Known
              List.ofSeq blocks.Value =! [ PmemBadBlock(0L, 4096L); PmemBadBlock(67104768L, 4096L) ]
              // A range from 4 KiB to 1000 bytes into the last block: the first block is outside, the last clipped.
              List.ofSeq (info.BadBlocks(4096L, 67104768L + 1000L - 4096L)).Value =! [ PmemBadBlock(67104768L, 1000L) ])

          testCase "no badblocks file, then garbage in it, then a garbage resource" (fun () ->
              use t = devdaxTree ()
              expectStatus S.NotSupported ((PmemDeviceInfo.ForPath("/dev/null", t.Root)).BadBlocks()) "badblocks does not exist"
              t.File(regionBadblocks, "4096 eight\n") |> ignore
              expectStatus S.Malformed ((PmemDeviceInfo.ForPath("/dev/null", t.Root)).BadBlocks()) "not lines of 'sector count'"
              t.File(regionBadblocks, "4096 8\n") |> ignore
              t.File("devices/platform/e820_pmem/ndbus0/region0/resource", "4294967296\n") |> ignore
              expectStatus S.Malformed ((PmemDeviceInfo.ForPath("/dev/null", t.Root)).BadBlocks()) "not a 0x-prefixed address")

          testCase "an align attribute that is not a power of two" (fun () ->
              use t = devdaxTree ()
              t.File("devices/platform/e820_pmem/ndbus0/region0/dax0.0/dax0.0/align", "3000\n") |> ignore
              expectStatus S.Malformed (PmemDeviceInfo.ForPath("/dev/null", t.Root)).Alignment "not a power of two")

          testCase "clearing says it needs ndctl" (fun () ->
              use t = devdaxTree ()
              let info = PmemDeviceInfo.ForPath("/dev/null", t.Root)
              expectStatus S.NotSupported (info.ClearBadBlock(PmemBadBlock(0L, 4096L))) "ndctl") ]

/// The file's first extent, or a skip on file systems without FIEMAP.
let private firstExtent (path: string) =
    let fd = L.``open`` (path, L.O_RDONLY, 0u)
    try
        match FileExtents.Read fd with
        | null, errno -> skip $"no FIEMAP here ({ErrnoTable.Name errno})"; failwith "unreachable"
        | extents, _ when extents.Count = 0 -> skip "the file has no extents"; failwith "unreachable"
        | extents, _ -> extents[0]
    finally
        L.close fd |> ignore

let private fsdaxBadBlocks =
    testList
        "fsdax bad blocks"
        [ testCase "device sectors become file offsets through the file's extents, widened to file-system blocks" (fun () ->
              withFile 65536 (fun path ->
                  let e = firstExtent path
                  use t = fsdaxTree (deviceOf path) twoDimms
                  // One sector 512 bytes into the extent, and one a terabyte away from the file.
                  let inside = (e.Physical + 512L) / 512L
                  let away = (e.Physical + (1L <<< 40)) / 512L
                  t.File($"{blockDevice}/badblocks", $"{away} 8\n{inside} 1\n") |> ignore
                  let info = PmemDeviceInfo.ForPath(path, t.Root)
                  let blocks = info.BadBlocks()
                  blocks.Status =! S.Known
                  List.ofSeq blocks.Value =! [ PmemBadBlock(e.Logical, 4096L) ]
                  List.ofSeq (info.BadBlocks(e.Logical + 4096L, 4096L)).Value =! []))

          testCase "a partition: the disk's bad blocks shifted by the partition's start" (fun () ->
              withFile 65536 (fun path ->
                  let e = firstExtent path
                  use t = new Tree()
                  let major, minor = deviceOf path
                  let partition = $"{blockDevice}/pmem0p1"
                  t.Dir partition |> ignore
                  t.File($"{partition}/partition", "1\n") |> ignore
                  t.File($"{partition}/start", "2048\n") |> ignore
                  t.Link($"dev/block/{major}:{minor}", $"../../{partition}")
                  t.File($"{blockDevice}/badblocks", $"{2048L + e.Physical / 512L} 8\n") |> ignore
                  let blocks = (PmemDeviceInfo.ForPath(path, t.Root)).BadBlocks()
                  List.ofSeq blocks.Value =! [ PmemBadBlock(e.Logical, 4096L) ]))

          testCase "translation: a block across two extents, one outside, and block-size widening" (fun () ->
              let extents = ResizeArray [ FileExtent(0L, 1_000_000L, 8192L); FileExtent(8192L, 5_000_000L, 8192L) ]
              let bad = [ PmemBadBlock(1_008_000L, 4096L); PmemBadBlock(4_999_488L, 1024L); PmemBadBlock(9_000_000L, 512L) ]
              let files = BadBlockRanges.ThroughExtents(bad, extents, 4096L)
              // 1_008_000 is 8000 into extent 0 (the last block, 4096..8191): its other 3904 bytes lie past the
              // extent; 4_999_488..5_000_511 touches the first 512 bytes of extent 1 (file 8192).
              List.ofSeq files =! [ PmemBadBlock(4096L, 4096L); PmemBadBlock(8192L, 4096L) ])

          testCase "badblocks parsing rejects garbage" (fun () ->
              for text in [ "1\n"; "1 2 3\n"; "-1 8\n"; "1 0\n"; "x 8\n"; "99999999999999999999 1\n" ] do
                  Expect.isNull (BadBlockRanges.Parse text) $"'{text}' is rejected"

              List.ofSeq (BadBlockRanges.Parse "") =! []
              List.ofSeq (BadBlockRanges.Parse "8 2\n") =! [ PmemBadBlock(4096L, 1024L) ])

          testCase "clearing a file's bad block punches a hole and reallocates: zeros there, the rest and the size unchanged" (fun () ->
              withFile 65536 (fun path ->
                  use t = fsdaxTree (deviceOf path) twoDimms
                  let info = PmemDeviceInfo.ForPath(path, t.Root)
                  let cleared = info.ClearBadBlock(PmemBadBlock(8192L, 4096L))

                  if cleared.Status = S.Unreadable && cleared.Reason.Contains "EOPNOTSUPP" then
                      skip $"this file system cannot punch holes: {cleared.Reason}"

                  cleared.Value =! 4096L
                  let bytes = File.ReadAllBytes path
                  bytes.Length =! 65536
                  Expect.all bytes[8192 .. 12287] (fun b -> b = 0uy) "the cleared block reads zeros"
                  Expect.all (Array.append bytes[.. 8191] bytes[12288 ..]) (fun b -> b = 0xABuy) "the rest is unchanged")) ]

let tests =
    testList "PmemDeviceInfo" [ fsdaxFacts; notPmem; deviceDaxFacts; fsdaxBadBlocks ]
