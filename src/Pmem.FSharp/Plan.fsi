namespace Pmem.FSharp

open System
open Pmem

/// <summary>
/// A durable plan: a description of reads and writes against a mapping that produces a <c>'T</c>. Building one
/// performs no I/O; <c>Durable.commit</c> runs it against a mapping, stores every write, flushes each touched cache
/// line once and drains once. Build plans with the <c>durable { }</c> builder and the functions of the Durable
/// module; show one with <c>Durable.render</c>.
/// </summary>
/// <remarks>
/// A plan is cold, like <c>Async</c>: the code inside <c>durable { }</c> runs each time the plan is committed or
/// rendered, not when it is built. The same plan can be committed many times and from several threads.
/// Recursive plans nest on the stack; loop with <c>for</c> or <c>while</c> for long sequences.
/// </remarks>
[<Struct; NoEquality; NoComparison; StructuredFormatDisplay("{Display}")>]
type Durable<'T> =
    internal
        {
            /// With <c>Then = null</c>: the whole plan, a <c>Journal -> 'T</c>, a StepCode or a byte array (a single
            /// store whose operands are A and B), or null: nothing (Durable.unit, the default value). Otherwise the
            /// plan's first part, one of those of type unit.
            Run: obj | null
            /// null, or what follows <c>Run</c>: a <c>unit -> Durable&lt;'T&gt;</c> (the plan to run next) or a
            /// <c>unit -> 'T</c> (the value).
            Then: obj | null
            /// The first operand of a single store (its offset).
            A: int64
            /// The second operand of a single store (a scalar's value, a fill's length, an array write's start and length).
            B: int64
        }

    member internal Display: string
