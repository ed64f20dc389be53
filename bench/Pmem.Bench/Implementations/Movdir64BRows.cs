using System.IO;

namespace Pmem.Bench;

/// <summary>
/// Pmem's pointer API with MOVDIR64B forced on (<c>PMEM_MOVDIR64B=1</c>) for the whole lines of non-temporal copies
/// and fills, beside the default rows, at the same addresses: the same run shows where MOVDIR64B wins or loses.
/// Not registered when the CPU has no MOVDIR64B.
/// </summary>
internal static unsafe class Movdir64BRows
{
    /// <summary>The options in force with MOVDIR64B on; built once, when the rows are registered (after the run's options are set).</summary>
    private static ResolvedConfig s_config = null!;

    public static void Register(Registry r, TextWriter log)
    {
        s_config = ResolvedConfig.Create(PmemOptions.Current with { Movdir64B = true });
        if (!s_config.UsesMovdir64B)
        {
            log.WriteLine($"No MOVDIR64B rows: {s_config.Movdir64BReason}");
            return;
        }

        r.Add(Names.PmemMovdir64B, Role.Pmem, OperationKind.MemcpyPersist, Loop.Run<MemcpyPersist>);
        r.Add(Names.PmemMovdir64B, Role.Pmem, OperationKind.MemsetPersist, Loop.Run<MemsetPersist>);
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
