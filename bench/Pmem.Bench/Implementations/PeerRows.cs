using Pmem.Bench.Native;

namespace Pmem.Bench;

/// <summary>C libpmem called from C: one native call per batch, the loop in <c>bench/peer/pmem_peer.c</c>.</summary>
internal static unsafe class PeerRows
{
    public static void Register(Registry r, PeerLibrary p)
    {
        r.Add(Names.CLoop, Role.Baseline, OperationKind.Persist, (c, n) => c.Offset = p.Persist(c.Base, c.Offset, c.Stride, c.Limit, c.Size, n));
        r.Add(Names.CLoop, Role.Baseline, OperationKind.FlushDrain, (c, n) => c.Offset = p.FlushDrain(c.Base, c.Offset, c.Stride, c.Limit, c.Size, n));
        r.Add(Names.CLoop, Role.Baseline, OperationKind.MemcpyPersist, (c, n) => c.Offset = p.MemcpyPersist(c.Base, c.Offset, c.Stride, c.Limit, c.Source, c.Size, n));
        r.Add(Names.CLoop, Role.Baseline, OperationKind.MemmovePersist, (c, n) => c.Offset = p.MemmovePersist(c.Base, c.Offset, c.Stride, c.Limit, c.Size, n));
        r.Add(Names.CLoop, Role.Baseline, OperationKind.MemsetPersist, (c, n) => c.Offset = p.MemsetPersist(c.Base, c.Offset, c.Stride, c.Limit, c.Size, n));
        r.Add(Names.CLoop, Role.Baseline, OperationKind.MsyncDisk, (c, n) => c.Offset = Checked(p.Msync(c.Base, c.Offset, c.Stride, c.Limit, c.Size, n)));
        r.Add(Names.CLoop, Role.Baseline, OperationKind.ScatteredWrites, (c, n) =>
            c.Offset = p.ScatteredPersistEach(c.Base, c.Offset, c.Stride, c.Limit, c.ScatterOffsets, c.ScatterCount, n));
        r.Add(Names.CLoopFlushEach, Role.Libpmem, OperationKind.ScatteredWrites, (c, n) =>
            c.Offset = p.ScatteredFlushEachDrain(c.Base, c.Offset, c.Stride, c.Limit, c.ScatterOffsets, c.ScatterCount, n));

        r.Add(Names.NtStoreC, Role.Ceiling, OperationKind.MemcpyPersist, (c, n) => c.Offset = p.NtStore(c.Base, c.Offset, c.Stride, c.Limit, c.Size, n));
        r.Add(Names.NtStoreC, Role.Ceiling, OperationKind.MemmovePersist, (c, n) => c.Offset = p.NtStore(c.Base, c.Offset, c.Stride, c.Limit, c.Size, n));
        r.Add(Names.NtStoreC, Role.Ceiling, OperationKind.MemsetPersist, (c, n) => c.Offset = p.NtStore(c.Base, c.Offset, c.Stride, c.Limit, c.Size, n));
        r.Add(Names.NtCopyC, Role.Ceiling, OperationKind.MemcpyPersist, (c, n) => c.Offset = p.NtCopy(c.Base, c.Offset, c.Stride, c.Limit, c.Source, c.Size, n));
        r.Add(Names.NtCopyC, Role.Ceiling, OperationKind.MemmovePersist, (c, n) => c.Offset = p.NtMoveBack(c.Base, c.Offset, c.Stride, c.Limit, c.Size, n));
        // Two threads only where splitting is meant to pay (Pmem's default threshold is 4 MiB); below it the
        // barrier between operations would be all the row measured.
        r.Add(Names.NtCopyC2, Role.Ceiling, OperationKind.MemcpyPersist, (c, n) => c.Offset = TwoThreads(p.NtCopy2(c.Base, c.Offset, c.Stride, c.Limit, c.Source, c.Size, n)), TwoThreadSizes);
        r.Add(Names.NtStoreC2, Role.Ceiling, OperationKind.MemsetPersist, (c, n) => c.Offset = TwoThreads(p.NtStore2(c.Base, c.Offset, c.Stride, c.Limit, c.Size, n)), TwoThreadSizes);
    }

    /// <summary>The smallest size the two-thread ceilings are measured at.</summary>
    private const long TwoThreadSizes = 16L << 20;

    private static nuint TwoThreads(nuint offset) =>
        offset == nuint.MaxValue ? throw new System.InvalidOperationException("the C peer could not start its second thread") : offset;

    private static nuint Checked(nuint offset) =>
        offset == nuint.MaxValue ? throw new System.InvalidOperationException("pmem_msync failed in the C peer") : offset;
}
