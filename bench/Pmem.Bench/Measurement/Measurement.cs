using System.Collections.Generic;

namespace Pmem.Bench;

/// <summary>One implementation at one (operation, size): ns per operation of each timed batch, in round order.</summary>
internal sealed record Measurement(
    string Operation,
    long Size,
    string Implementation,
    Role Role,
    IReadOnlyList<double> NsPerOp,
    long OpsPerBatch,
    double AllocatedBytesPerOp)
{
    public Spread Spread => Spread.Of(NsPerOp);
}
