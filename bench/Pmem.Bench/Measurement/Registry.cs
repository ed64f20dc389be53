using System.Collections.Generic;
using System.Linq;

namespace Pmem.Bench;

/// <summary>How an implementation's row is used in the report (tables and the chart list them in this order).</summary>
internal enum Role
{
    /// <summary>C libpmem called from a C loop: the denominator of every ratio.</summary>
    Baseline,

    /// <summary>Pmem itself: its time is divided by the baseline's (the ratio columns).</summary>
    Pmem,

    /// <summary>Another way of calling C libpmem (P/Invoke, or a different call pattern from C).</summary>
    Libpmem,

    /// <summary>What a .NET program would use without Pmem (memory-mapped files, plain copies).</summary>
    Reference,

    /// <summary>Raw non-temporal stores, no libpmem: the bandwidth ceiling.</summary>
    Ceiling,
}

/// <summary>Runs <paramref name="count"/> operations of a cell, starting at <see cref="Cell.Offset"/> and leaving it where the next batch starts.</summary>
internal delegate void BatchRunner(Cell cell, long count);

/// <summary>One implementation of one operation kind, measured from <paramref name="MinSize"/> bytes up.</summary>
internal sealed record Registration(string Implementation, Role Role, OperationKind Kind, BatchRunner Run, long MinSize = 0);

/// <summary>
/// Every implementation of every operation. Adding an implementation is one <see cref="Add"/> call with a batch
/// runner that loops over <c>count</c> operations (see <c>Implementations/</c>): e.g. the F# commit registers
/// <c>Add("Pmem F# commit", Role.Pmem, OperationKind.ScatteredWrites, …)</c> with a loop that commits a plan of
/// <see cref="Cell.ScatterCount"/> 8-byte writes at <see cref="Cell.ScatterOffsets"/> per operation.
/// </summary>
internal sealed class Registry
{
    private readonly List<Registration> _registrations = [];

    public void Add(string implementation, Role role, OperationKind kind, BatchRunner run, long minSize = 0) =>
        _registrations.Add(new Registration(implementation, role, kind, run, minSize));

    public IReadOnlyList<Registration> For(OperationKind kind) => _registrations.Where(r => r.Kind == kind).ToList();

    /// <summary>The implementations of <paramref name="kind"/> measured at <paramref name="size"/>.</summary>
    public IReadOnlyList<Registration> For(OperationKind kind, long size) => _registrations.Where(r => r.Kind == kind && size >= r.MinSize).ToList();

    public IReadOnlyList<Registration> All => _registrations;
}
