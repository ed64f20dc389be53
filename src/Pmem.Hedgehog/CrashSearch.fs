namespace Pmem.Hedgehog

[<RequireQualifiedAccess>]
type CrashSearch =
    | Generated
    | Exhaustive of sample: int
