using Pmem.Bench.Native;

namespace Pmem.Bench;

/// <summary>C libpmem called from a C# loop through P/Invoke (<c>LibraryImport</c> of libpmem.so.1), one call per operation.</summary>
internal static unsafe class PInvokeRows
{
    public static void Register(Registry r)
    {
        r.Add(Names.PInvoke, Role.Libpmem, OperationKind.Persist, Loop.Run<Persist>);
        r.Add(Names.PInvoke, Role.Libpmem, OperationKind.FlushDrain, Loop.Run<FlushDrain>);
        r.Add(Names.PInvoke, Role.Libpmem, OperationKind.MemcpyPersist, Loop.Run<MemcpyPersist>);
        r.Add(Names.PInvoke, Role.Libpmem, OperationKind.MemmovePersist, Loop.Run<MemmovePersist>);
        r.Add(Names.PInvoke, Role.Libpmem, OperationKind.MemsetPersist, Loop.Run<MemsetPersist>);
        r.Add(Names.PInvoke, Role.Libpmem, OperationKind.MsyncDisk, Loop.Run<Msync>);
        r.Add(Names.PInvoke, Role.Libpmem, OperationKind.ScatteredWrites, Loop.Run<ScatteredPersistEach>);
    }

    private struct Persist : IOperation
    {
        public static void Run(Cell c, nuint o, byte* d, byte* v, byte* s, nuint n, long i)
        {
            Loop.DirtyLines(d, n, i);
            Libpmem.pmem_persist(d, n);
        }
    }

    private struct FlushDrain : IOperation
    {
        public static void Run(Cell c, nuint o, byte* d, byte* v, byte* s, nuint n, long i)
        {
            Loop.DirtyLines(d, n, i);
            Libpmem.pmem_flush(d, n);
            Libpmem.pmem_drain();
        }
    }

    private struct MemcpyPersist : IOperation
    {
        public static void Run(Cell c, nuint o, byte* d, byte* v, byte* s, nuint n, long i) => Libpmem.pmem_memcpy_persist(d, s, n);
    }

    private struct MemmovePersist : IOperation
    {
        public static void Run(Cell c, nuint o, byte* d, byte* v, byte* s, nuint n, long i) => Libpmem.pmem_memmove_persist(d + 64, d, n);
    }

    private struct MemsetPersist : IOperation
    {
        public static void Run(Cell c, nuint o, byte* d, byte* v, byte* s, nuint n, long i) => Libpmem.pmem_memset_persist(d, (int)(i & 0xff), n);
    }

    private struct Msync : IOperation
    {
        public static void Run(Cell c, nuint o, byte* d, byte* v, byte* s, nuint n, long i)
        {
            Loop.DirtyLines(d, n, i);
            if (Libpmem.pmem_msync(d, n) != 0)
            {
                throw new System.InvalidOperationException("pmem_msync failed");
            }
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
                Libpmem.pmem_persist(p, sizeof(ulong));
            }
        }
    }
}
