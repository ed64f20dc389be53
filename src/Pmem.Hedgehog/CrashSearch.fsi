namespace Pmem.Hedgehog

/// How a crash property looks for a crash image that breaks recovery.
[<RequireQualifiedAccess>]
type CrashSearch =
    /// One crash image per test case, drawn by <c>CrashGen.crash</c>: random, and shrunk on failure to the earliest
    /// crash point and the fewest persisted units. Run the property for a few hundred tests.
    | Generated
    /// Every crash point of the run in order, at each the images <c>CrashEngine.Auto</c> selects: all of them when
    /// there are at most <c>sample</c>, else a seeded random sample of that many. Deterministic; reports the first
    /// failing image in run order. The plan still shrinks through the generators it came from.
    | Exhaustive of sample: int
