namespace Pmem.Simulation;

/// <summary>
/// Which crash images <see cref="CrashState.Images"/> selects at one point of a run, after pmreorder's engines.
/// </summary>
/// <remarks>
/// pmreorder reorders whole stores between barriers; these engines work on the finer model of
/// <see cref="PmemSimulator"/> (per cache line, program order; 8-byte atomic units), so the same names select
/// comparable, not identical, sets. Every engine returns only images the model allows (see <see cref="PmemSimulator"/>): everything persisted, plus
/// for each pending cache line some prefix, in program order, of its pending units. They differ in how many of the
/// allowed images they visit. At a point with <c>L</c> pending lines holding <c>u1 … uL</c> units there are
/// <c>(u1 + 1) × … × (uL + 1)</c> images (<see cref="CrashState.FullImageCount"/>).
/// </remarks>
public enum CrashEngine
{
    /// <summary>
    /// One image: every store so far reached persistence, as if the crash came after a perfect write-back
    /// (pmreorder's NoReorder engines). Finds only bugs that need no reordering, such as recovery code that cannot
    /// read a state the program itself wrote.
    /// </summary>
    NoReorder,

    /// <summary>
    /// <c>u1 + … + uL + 1</c> images: none of the pending units, then one more in program order each time, up to all
    /// of them (pmreorder's ReorderAccumulative): a crash at each point of an in-order write-back. Misses every
    /// bug that needs a later store to persist before an earlier one.
    /// </summary>
    Accumulative,

    /// <summary>
    /// Every image the model allows (pmreorder's ReorderFull): each pending line independently persisted up to any
    /// prefix of its units. Exhaustive, and exponential in the number of pending lines: refused past a limit.
    /// </summary>
    Full,

    /// <summary>
    /// A seeded random sample of the images <see cref="Full"/> would give, each line's prefix drawn uniformly
    /// (pmreorder's ReorderPartial). May repeat an image.
    /// </summary>
    Random,

    /// <summary>
    /// Enumerate small states, sample large ones: <see cref="Full"/> when the state has at most the sample size
    /// of images, else <see cref="Random"/> with that many.
    /// </summary>
    Auto,
}
