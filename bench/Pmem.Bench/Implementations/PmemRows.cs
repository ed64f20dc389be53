namespace Pmem.Bench;

/// <summary>Pmem's C# API: the pointer API (<see cref="PersistentMemory"/>) and the checked <see cref="PmemMapping"/> API.</summary>
internal static unsafe class PmemRows
{
    public static void Register(Registry r)
    {
        r.Add(Names.PmemCSharp, Role.Pmem, OperationKind.Persist, Loop.Run<Persist>);
        r.Add(Names.PmemCSharp, Role.Pmem, OperationKind.FlushDrain, Loop.Run<FlushDrain>);
        r.Add(Names.PmemCSharp, Role.Pmem, OperationKind.MemcpyPersist, Loop.Run<MemcpyPersist>);
        r.Add(Names.PmemCSharp, Role.Pmem, OperationKind.MemmovePersist, Loop.Run<MemmovePersist>);
        r.Add(Names.PmemCSharp, Role.Pmem, OperationKind.MemsetPersist, Loop.Run<MemsetPersist>);
        r.Add(Names.PmemCSharp, Role.Pmem, OperationKind.MsyncDisk, Loop.Run<Msync>);
        r.Add(Names.PmemCSharp, Role.Pmem, OperationKind.ScatteredWrites, Loop.Run<ScatteredPersistEach>);
        r.Add(Names.PmemFlushEach, Role.Pmem, OperationKind.ScatteredWrites, Loop.Run<ScatteredFlushEachDrain>);

        r.Add(Names.PmemMapping, Role.Pmem, OperationKind.Persist, Loop.Run<MappingPersist>);
        r.Add(Names.PmemMapping, Role.Pmem, OperationKind.FlushDrain, Loop.Run<MappingFlushDrain>);
        r.Add(Names.PmemMapping, Role.Pmem, OperationKind.MemcpyPersist, Loop.Run<MappingCopy>);
        r.Add(Names.PmemMappingSparse, Role.Pmem, OperationKind.MemcpyPersist, Loop.Run<SparseMappingCopy>);
        r.Add(Names.PmemMappingSparseUnchecked, Role.Pmem, OperationKind.MemcpyPersist, SparseUnchecked);
        r.Add(Names.PmemMapping, Role.Pmem, OperationKind.MemmovePersist, Loop.Run<MappingMove>);
        r.Add(Names.PmemMapping, Role.Pmem, OperationKind.MemsetPersist, Loop.Run<MappingFill>);
        r.Add(Names.PmemMapping, Role.Pmem, OperationKind.MsyncDisk, Loop.Run<MappingMsync>);
    }

    private struct Persist : IOperation
    {
        public static void Run(Cell c, nuint o, byte* d, byte* v, byte* s, nuint n, long i)
        {
            Loop.DirtyLines(d, n, i);
            PersistentMemory.Persist(d, n);
        }
    }

    private struct FlushDrain : IOperation
    {
        public static void Run(Cell c, nuint o, byte* d, byte* v, byte* s, nuint n, long i)
        {
            Loop.DirtyLines(d, n, i);
            PersistentMemory.Flush(d, n);
            PersistentMemory.Drain();
        }
    }

    private struct MemcpyPersist : IOperation
    {
        public static void Run(Cell c, nuint o, byte* d, byte* v, byte* s, nuint n, long i) => PersistentMemory.MemcpyPersist(d, s, n);
    }

    private struct MemmovePersist : IOperation
    {
        public static void Run(Cell c, nuint o, byte* d, byte* v, byte* s, nuint n, long i) => PersistentMemory.MemmovePersist(d + 64, d, n);
    }

    private struct MemsetPersist : IOperation
    {
        public static void Run(Cell c, nuint o, byte* d, byte* v, byte* s, nuint n, long i) => PersistentMemory.MemsetPersist(d, (byte)i, n);
    }

    private struct Msync : IOperation
    {
        public static void Run(Cell c, nuint o, byte* d, byte* v, byte* s, nuint n, long i)
        {
            Loop.DirtyLines(d, n, i);
            PersistentMemory.Msync(d, n);
        }
    }

    private struct ScatteredPersistEach : IOperation
    {
        public static void Run(Cell c, nuint o, byte* d, byte* v, byte* s, nuint n, long i)
        {
            nuint* offsets = c.ScatterOffsets;
            for (int k = 0; k < c.ScatterCount; k++)
            {
                ulong* p = (ulong*)(d + offsets[k]);
                *p = (ulong)i;
                PersistentMemory.Persist(p, sizeof(ulong));
            }
        }
    }

    private struct ScatteredFlushEachDrain : IOperation
    {
        public static void Run(Cell c, nuint o, byte* d, byte* v, byte* s, nuint n, long i)
        {
            nuint* offsets = c.ScatterOffsets;
            for (int k = 0; k < c.ScatterCount; k++)
            {
                ulong* p = (ulong*)(d + offsets[k]);
                *p = (ulong)i;
                PersistentMemory.Flush(p, sizeof(ulong));
            }

            PersistentMemory.Drain();
        }
    }

    private struct MappingPersist : IOperation
    {
        public static void Run(Cell c, nuint o, byte* d, byte* v, byte* s, nuint n, long i)
        {
            Loop.DirtyLines(d, n, i);
            c.Mapping.Persist((long)o, (long)n);
        }
    }

    private struct MappingFlushDrain : IOperation
    {
        public static void Run(Cell c, nuint o, byte* d, byte* v, byte* s, nuint n, long i)
        {
            Loop.DirtyLines(d, n, i);
            c.Mapping.Flush((long)o, (long)n);
            c.Mapping.Drain();
        }
    }

    /// <summary>
    /// The sparse row's calls on the sparse row's addresses with the reservation taken away for the batch: the same
    /// pages, page tables and code path minus the check, so sparse ÷ this is the check's cost alone. (Against
    /// <see cref="Names.PmemMapping"/>, a second mapping's page tables made a 64 B copy 1–7% slower by themselves.)
    /// </summary>
    private static void SparseUnchecked(Cell cell, long count)
    {
        SparseReservation? reservation = cell.SparseMapping.ExchangeReservationForBench(null);
        try
        {
            Loop.Run<SparseMappingCopy>(cell, count);
        }
        finally
        {
            cell.SparseMapping.ExchangeReservationForBench(reservation);
        }
    }

    private struct SparseMappingCopy : IOperation
    {
        public static void Run(Cell c, nuint o, byte* d, byte* v, byte* s, nuint n, long i) =>
            c.SparseMapping.Copy((long)o, new System.ReadOnlySpan<byte>(s, (int)n));
    }

    private struct MappingCopy : IOperation
    {
        public static void Run(Cell c, nuint o, byte* d, byte* v, byte* s, nuint n, long i) =>
            c.Mapping.Copy((long)o, new System.ReadOnlySpan<byte>(s, (int)n));
    }

    private struct MappingMove : IOperation
    {
        public static void Run(Cell c, nuint o, byte* d, byte* v, byte* s, nuint n, long i) =>
            c.Mapping.Move((long)o + 64, (long)o, (long)n);
    }

    private struct MappingFill : IOperation
    {
        public static void Run(Cell c, nuint o, byte* d, byte* v, byte* s, nuint n, long i) =>
            c.Mapping.Fill((long)o, (byte)i, (long)n);
    }

    private struct MappingMsync : IOperation
    {
        public static void Run(Cell c, nuint o, byte* d, byte* v, byte* s, nuint n, long i)
        {
            Loop.DirtyLines(d, n, i);
            c.Mapping.Msync((long)o, (long)n);
        }
    }
}
