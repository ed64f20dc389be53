/// Builds fake /sys trees in a temp directory for auto-flush, device-DAX and deep-flush tests.
module Pmem.Tests.FakeSysfs

open System.IO
open Pmem.Tests.TestDsl

/// A fake sysfs root; dispose to remove it.
type Tree() =
    let dir = diskDir ()
    member _.Root = dir.Path
    member _.Path(relative: string) = Path.Combine(dir.Path, relative)

    member t.Dir(relative: string) =
        Directory.CreateDirectory(t.Path relative) |> ignore
        t.Path relative

    member t.File(relative: string, content: string) =
        Directory.CreateDirectory(Path.GetDirectoryName(t.Path relative)) |> ignore
        File.WriteAllText(t.Path relative, content)
        t.Path relative

    /// A symbolic link at 'relative' pointing to 'target' (relative to the link's directory, as sysfs links are).
    member t.Link(relative: string, target: string) =
        Directory.CreateDirectory(Path.GetDirectoryName(t.Path relative)) |> ignore
        File.CreateSymbolicLink(t.Path relative, target) |> ignore

    interface System.IDisposable with
        member _.Dispose() = (dir :> System.IDisposable).Dispose()

/// /sys/bus/nd/devices with one symlinked region per entry: (name, persistence_domain content or None for no file).
let ndRegions (regions: (string * string option) list) =
    let t = new Tree()
    t.Dir "bus/nd/devices" |> ignore
    for name, domain in regions do
        let real = t.Dir $"devices/ndbus0/{name}"
        File.WriteAllText(Path.Combine(real, "other_attribute"), "x\n")
        domain |> Option.iter (fun d -> File.WriteAllText(Path.Combine(real, "persistence_domain"), d))
        t.Link($"bus/nd/devices/{name}", $"../../../devices/ndbus0/{name}")
    t

/// A device-DAX character device M:m as the kernel lays it out: /sys/dev/char/M:m -> the dax device, whose
/// subsystem links to /sys/bus/dax and which sits under an nd region.
let deviceDax (major: int) (minor: int) (size: int64 option) (region: int) =
    let t = new Tree()
    let device = $"devices/platform/e820_pmem/ndbus0/region{region}/dax{region}.0/dax{region}.0"
    t.Dir device |> ignore
    t.Dir "bus/dax" |> ignore
    t.Link($"{device}/subsystem", "../../../../../../../bus/dax")
    t.Link($"{device}/device", "..")
    size |> Option.iter (fun s -> t.File($"{device}/size", $"{s}\n") |> ignore)
    t.File($"{device}/align", "2097152\n") |> ignore
    t.Link($"dev/char/{major}:{minor}", $"../../{device}")
    t
