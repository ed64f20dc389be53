using System.Linq;
using System.Text;

namespace Pmem.Bench;

/// <summary>The perf.md section on the sparse-file check: the sparse row ÷ the same calls on the same addresses without it.</summary>
internal static class SparseCheckReport
{
    public static void Write(StringBuilder md, ResultSet results)
    {
        var pairs = results.Rows
            .Where(r => r.Implementation == Names.PmemMappingSparse)
            .Select(s => (Sparse: s, Unchecked: results.Rows.FirstOrDefault(u =>
                u.Operation == s.Operation && u.Size == s.Size && u.Implementation == Names.PmemMappingSparseUnchecked)))
            .Where(p => p.Unchecked is not null)
            .ToArray();
        if (pairs.Length == 0)
        {
            return;
        }

        md.AppendLine("## Sparse-file check");
        md.AppendLine();
        md.AppendLine($"`{Names.PmemMappingSparse}` copies into the bench file mapped a second time as a sparse file, every page reserved, so each " +
            "copy pays the steady-state check that its pages have storage (one load and one bit test, no system call). " +
            $"`{Names.PmemMappingSparseUnchecked}` makes the same calls on the same addresses with the check taken away for its batches, so the ratio is the " +
            "check's cost alone (median of the per-round ratios, interquartile range; the target is at most 1.05 at 64 B and 4 KiB).");
        md.AppendLine();
        md.AppendLine("| operation | size | sparse ÷ same addresses without the check |");
        md.AppendLine("|---|---:|---:|");
        foreach ((ResultRow sparse, ResultRow? plain) in pairs.OrderBy(p => p.Sparse.Operation).ThenBy(p => p.Sparse.Size))
        {
            md.AppendLine($"| {sparse.Operation} | {Format.Size(sparse.Size)} | {Ratios.Render(Ratios.Of(results, sparse, plain!))} |");
        }

        md.AppendLine();
    }
}
