namespace Pmem.Simulation;

/// <summary>Which crash images <see cref="CrashState.Images"/> enumerates, after pmreorder's engines.</summary>
public enum CrashEngine
{
    /// <summary>One image: every store so far reached persistence in program order (pmreorder's NoReorder).</summary>
    NoReorder,

    /// <summary>
    /// The images after 0, 1, 2, … pending stores in program order (pmreorder's ReorderAccumulative): a crash at
    /// each point of a perfectly ordered write-back.
    /// </summary>
    Accumulative,

    /// <summary>Every image the model allows: each cache line independently persisted up to any prefix of its pending stores (pmreorder's ReorderFull).</summary>
    Full,

    /// <summary>A seeded random sample of the images <see cref="Full"/> would give (pmreorder's ReorderPartial).</summary>
    Random,
}
