using System;
using Microsoft.FSharp.Core;
using Pmem.FSharp;

namespace Pmem.Bench;

/// <summary>
/// The five plan shapes of "F# commit ÷ hand-written C#": each as a <c>durable { }</c> plan built and committed with
/// <c>Durable.commit</c> in F#, as the same block committed where it is written with <c>Durable.committing</c>
/// (bench/Pmem.Bench.Plans), and as the C# a careful user writes by hand on a
/// <see cref="PmemMapping"/> (stores through <see cref="PmemMapping.Address"/>, then the mapping's own flushes).
/// </summary>
/// <remarks>
/// Operation <c>i</c> of a shape works in slot <c>i</c> of the mapping (<see cref="SlotBytes"/> apart, wrapping), so
/// each operation's destinations are lines no recent operation touched: cold, as a real append or update meets them.
/// </remarks>
internal abstract unsafe class CommitShape(string name, string handWritten, long slotBytes)
{
    /// <summary>The row's name.</summary>
    public string Name { get; } = name;

    /// <summary>The C# the plan replaces, as the table shows it.</summary>
    public string HandWritten { get; } = handWritten;

    /// <summary>Bytes between the destinations of consecutive operations.</summary>
    public long SlotBytes { get; } = slotBytes;

    /// <summary>One operation through <c>Durable.commit</c> at <paramref name="slot"/>.</summary>
    public abstract void FSharp(PmemMapping mapping, long slot, long i);

    /// <summary>One operation through <c>Durable.committing</c> at <paramref name="slot"/>.</summary>
    public abstract void Committing(PmemMapping mapping, long slot, long i);

    /// <summary>The same operation, hand-written C#.</summary>
    public abstract void CSharp(PmemMapping mapping, byte* address, long slot, long i);

    protected static void Check<T>(FSharpResult<T, PmemError> result)
    {
        if (result.IsError)
        {
            throw new InvalidOperationException("The F# commit failed: " + PmemErrorModule.describe(result.ErrorValue));
        }
    }

    /// <summary>All five, in the order of the table.</summary>
    public static CommitShape[] All(ReadOnlyMemory<byte> record64, ReadOnlyMemory<byte> block4K) =>
    [
        new One(),
        new Append(record64),
        new Scattered(8),
        new Scattered(64),
        new Block(block4K),
    ];

    private sealed class One() : CommitShape("one 8-byte write", "store + `Persist(o, 8)`", 4096)
    {
        public override void FSharp(PmemMapping mapping, long slot, long i) => Check(Plans.commitOne(mapping, slot, i));

        public override void Committing(PmemMapping mapping, long slot, long i) => Check(Plans.committingOne(mapping, slot, i));

        public override void CSharp(PmemMapping mapping, byte* address, long slot, long i)
        {
            *(long*)(address + slot) = i;
            mapping.Persist(slot, 8);
        }
    }

    /// <summary>A 64-byte record at slot + 64, then the 8-byte tail at slot.</summary>
    private sealed class Append(ReadOnlyMemory<byte> record) :
        CommitShape("log append: 64 B record, barrier, 8-byte tail", "`Copy(64 B)` + store + `Persist(tail, 8)`", 4096)
    {
        public override void FSharp(PmemMapping mapping, long slot, long i) =>
            Check(Plans.commitAppend(mapping, slot + 64, record, slot, i));

        public override void Committing(PmemMapping mapping, long slot, long i) =>
            Check(Plans.committingAppend(mapping, slot + 64, record, slot, i));

        public override void CSharp(PmemMapping mapping, byte* address, long slot, long i)
        {
            mapping.Copy(slot + 64, record.Span);
            *(long*)(address + slot) = i;
            mapping.Persist(slot, 8);
        }
    }

    /// <summary><c>count</c> 8-byte writes, one per page, at different 8-aligned places in their pages.</summary>
    private sealed class Scattered : CommitShape
    {
        private readonly long[] _offsets;

        public Scattered(int count) :
            base($"{count} scattered 8-byte writes ({count} pages)", $"{count} × (store + `Flush(o, 8)`) + `Drain()`", count * 4096L)
        {
            _offsets = new long[count];
            for (int k = 0; k < count; k++)
            {
                _offsets[k] = (k * 4096L) + ((k * 1864L) % 4088 & ~7L);
            }
        }

        public override void FSharp(PmemMapping mapping, long slot, long i) =>
            Check(Plans.commitScatter(mapping, slot, _offsets, i));

        public override void Committing(PmemMapping mapping, long slot, long i) =>
            Check(Plans.committingScatter(mapping, slot, _offsets, i));

        public override void CSharp(PmemMapping mapping, byte* address, long slot, long i)
        {
            long[] offsets = _offsets;
            for (int k = 0; k < offsets.Length; k++)
            {
                long o = slot + offsets[k];
                *(long*)(address + o) = i;
                mapping.Flush(o, 8);
            }

            mapping.Drain();
        }
    }

    private sealed class Block(ReadOnlyMemory<byte> block) : CommitShape("one 4 KiB write", "`Copy(4 KiB)`", 8192)
    {
        public override void FSharp(PmemMapping mapping, long slot, long i) => Check(Plans.commitCopy(mapping, slot, block));

        public override void Committing(PmemMapping mapping, long slot, long i) => Check(Plans.committingCopy(mapping, slot, block));

        public override void CSharp(PmemMapping mapping, byte* address, long slot, long i) => mapping.Copy(slot, block.Span);
    }
}
