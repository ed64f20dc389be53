namespace Pmem.Bench;

/// <summary>
/// Pmem's pointer API with copies and fills kept on the calling thread (<c>PMEM_NET_COPY_THREADS=1</c>), beside the
/// default rows that split large ones across threads: the same run shows what the split gains.
/// </summary>
internal static unsafe class OneThreadRows
{
    /// <summary>The options in force with splitting off; built once, when the rows are registered (after the run's options are set).</summary>
    private static ResolvedConfig s_config = null!;

    public static void Register(Registry r)
    {
        s_config = ResolvedConfig.Create(PmemOptions.Current with { CopyThreads = 1 });
        r.Add(Names.PmemOneThread, Role.Pmem, OperationKind.MemcpyPersist, Loop.Run<MemcpyPersist>);
        r.Add(Names.PmemOneThread, Role.Pmem, OperationKind.MemsetPersist, Loop.Run<MemsetPersist>);
    }

    private struct MemcpyPersist : IOperation
    {
        public static void Run(Cell c, nuint o, byte* d, byte* v, byte* s, nuint n, long i) =>
            CopyEngine.Memmove(s_config, d, s, n, PmemCopyFlags.None);
    }

    private struct MemsetPersist : IOperation
    {
        public static void Run(Cell c, nuint o, byte* d, byte* v, byte* s, nuint n, long i) =>
            CopyEngine.Memset(s_config, d, (byte)i, n, PmemCopyFlags.None);
    }
}
