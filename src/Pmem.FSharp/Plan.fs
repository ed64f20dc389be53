namespace Pmem.FSharp

open System

// Representation. Sixteen bytes, two references, so that a plan travels in two registers: F# emits .tail calls to
// functions that take a plan (Durable.map and the builder's members inlined into user code, Durable.commit at the end
// of a function), and the JIT makes those fast only when the arguments fit in registers. A larger struct (say, one
// holding a write inline, to spare its closure) is passed on the stack, and each such call then goes through the
// runtime's tail-call helper: 64 scattered writes took 21-32 µs instead of 4 µs when tried.
[<Struct; NoEquality; NoComparison; StructuredFormatDisplay("{Display}")>]
type Durable<'T> =
    internal
        {
            Run: obj
            Then: obj | null
        }

    member internal _.Display = $"Durable<{typeof<'T>.Name}> (a plan: Durable.render shows its steps)"
