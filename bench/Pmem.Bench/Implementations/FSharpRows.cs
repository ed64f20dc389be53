using System;
using System.Buffers;
using Microsoft.FSharp.Core;
using Pmem.FSharp;

namespace Pmem.Bench;

/// <summary>
/// Pmem's F# face: each operation builds a <c>durable { }</c> plan and commits it with <c>Durable.commit</c>, or commits
/// the same block where it is written with <c>Durable.committing</c>, in F# (bench/Pmem.Bench.Plans, as an F# user's
/// code does); either stores the writes, flushes each touched line once and drains once.
/// </summary>
internal static unsafe class FSharpRows
{
    public static void Register(Registry r)
    {
        r.Add(Names.PmemFSharp, Role.Pmem, OperationKind.ScatteredWrites, Loop.Run<Scattered>);
        r.Add(Names.PmemFSharp, Role.Pmem, OperationKind.MemcpyPersist, Loop.Run<Copy>);
        r.Add(Names.PmemFSharp, Role.Pmem, OperationKind.MemsetPersist, Loop.Run<Fill>);
        r.Add(Names.PmemFSharpCommitting, Role.Pmem, OperationKind.ScatteredWrites, Loop.Run<CommittingScattered>);
        r.Add(Names.PmemFSharpCommitting, Role.Pmem, OperationKind.MemcpyPersist, Loop.Run<CommittingCopy>);
        r.Add(Names.PmemFSharpCommitting, Role.Pmem, OperationKind.MemsetPersist, Loop.Run<CommittingFill>);
    }

    private static void Check<T>(FSharpResult<T, PmemError> result)
    {
        if (result.IsError)
        {
            throw new InvalidOperationException("The F# commit failed: " + PmemErrorModule.describe(result.ErrorValue));
        }
    }

    private struct Scattered : IOperation
    {
        public static void Run(Cell c, nuint o, byte* d, byte* v, byte* s, nuint n, long i) =>
            Check(Plans.commitScatter(c.Mapping, (long)o, c.ScatterOffsetArray!, i));
    }

    private struct Copy : IOperation
    {
        public static void Run(Cell c, nuint o, byte* d, byte* v, byte* s, nuint n, long i) =>
            Check(Plans.commitCopy(c.Mapping, (long)o, c.SourceMemory));
    }

    private struct Fill : IOperation
    {
        public static void Run(Cell c, nuint o, byte* d, byte* v, byte* s, nuint n, long i) =>
            Check(Plans.commitFill(c.Mapping, (long)o, (long)n, (byte)i));
    }

    private struct CommittingScattered : IOperation
    {
        public static void Run(Cell c, nuint o, byte* d, byte* v, byte* s, nuint n, long i) =>
            Check(Plans.committingScatter(c.Mapping, (long)o, c.ScatterOffsetArray!, i));
    }

    private struct CommittingCopy : IOperation
    {
        public static void Run(Cell c, nuint o, byte* d, byte* v, byte* s, nuint n, long i) =>
            Check(Plans.committingCopy(c.Mapping, (long)o, c.SourceMemory));
    }

    private struct CommittingFill : IOperation
    {
        public static void Run(Cell c, nuint o, byte* d, byte* v, byte* s, nuint n, long i) =>
            Check(Plans.committingFill(c.Mapping, (long)o, (long)n, (byte)i));
    }
}

/// <summary>A <see cref="Memory{T}"/> over native memory the workspace owns (the DRAM source of copies).</summary>
internal sealed unsafe class NativeMemoryManager(byte* pointer, int length) : MemoryManager<byte>
{
    public override Span<byte> GetSpan() => new(pointer, length);

    public override MemoryHandle Pin(int elementIndex = 0) => new(pointer + elementIndex);

    public override void Unpin()
    {
    }

    protected override void Dispose(bool disposing)
    {
    }
}
