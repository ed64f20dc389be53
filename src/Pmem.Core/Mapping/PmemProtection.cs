using System;

namespace Pmem;

/// <summary>How a mapping may be accessed: libpmem2's <c>PMEM2_PROT_*</c> flags (<see cref="PmemMapConfig.Protection"/>).</summary>
/// <remarks>
/// Pmem maps with <see cref="Read"/> or <see cref="ReadWrite"/>. <see cref="None"/> (every access faults), write
/// without read (x86 pages cannot be write-only) and execute (not a .NET use) are refused with
/// <see cref="PmemMapError.InvalidProtection"/>.
/// </remarks>
[Flags]
public enum PmemProtection
{
    /// <summary><c>PMEM2_PROT_NONE</c>: no access; refused by Pmem (every read or write would fault).</summary>
    None = 0,

    /// <summary><c>PMEM2_PROT_READ</c>: loads only. Pmem's stores (Copy, Move, Fill, Lease, commits) throw <see cref="PmemMapException"/> (<see cref="PmemMapError.ReadOnlyMapping"/>) instead of faulting.</summary>
    Read = 1,

    /// <summary><c>PMEM2_PROT_WRITE</c>: stores; only accepted together with <see cref="Read"/>.</summary>
    Write = 2,

    /// <summary><c>PMEM2_PROT_READ | PMEM2_PROT_WRITE</c>, the default: loads and stores.</summary>
    ReadWrite = Read | Write,
}
