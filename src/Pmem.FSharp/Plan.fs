namespace Pmem.FSharp

open System

// Representation. A plan is a value: two references and two integers; all four zero (the default) is Durable.unit. Single stores (scalars, fills, barriers, writes of
// an array's bytes) are held as data in the struct itself (Run is a StepCode or a byte array, A and B its operands), so
// building one allocates nothing; anything else is a closure in Run. Then chains a continuation after a unit plan (see
// PlanRun). A 32-byte struct argument makes a .tail call slow (the runtime's tail-call helper, about 30 ns): so this
// assembly is compiled without tail calls and the builder's members and the functions that take a plan are inline
// wrappers that pass it by reference (PlanCalls), a call F# never emits as a tail call in the caller's code.
[<Struct; NoEquality; NoComparison; StructuredFormatDisplay("{Display}")>]
type Durable<'T> =
    internal
        {
            Run: obj | null
            Then: obj | null
            A: int64
            B: int64
        }

    member internal _.Display = $"Durable<{typeof<'T>.Name}> (a plan: Durable.render shows its steps)"
