using System.Globalization;
using System.IO;
using System.Linq;
using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Diagnosers;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Loggers;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;
using BenchmarkDotNet.Toolchains.InProcess.Emit;

namespace Pmem.Bench;

/// <summary>Runs <see cref="HotPathBenchmarks"/> and <see cref="CommitBenchmarks"/> in process (short job) and records allocated bytes per operation; every hot path and every committing block must allocate nothing.</summary>
internal static class AllocationCheck
{
    public static bool Run(string csvPath, TextWriter log)
    {
        IConfig config = ManualConfig.CreateEmpty()
            .AddJob(Job.ShortRun.WithToolchain(InProcessEmitToolchain.Instance))
            .AddDiagnoser(MemoryDiagnoser.Default)
            .AddLogger(ConsoleLogger.Default)
            .AddColumnProvider(DefaultColumnProviders.Instance)
            .WithOptions(ConfigOptions.DisableOptimizationsValidator);
        Summary summary = BenchmarkRunner.Run<HotPathBenchmarks>(config);
        Summary commits = BenchmarkRunner.Run<CommitBenchmarks>(config);

        var ci = CultureInfo.InvariantCulture;
        bool allZero = true;
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(csvPath))!);
        using var w = new StreamWriter(csvPath);
        w.WriteLine("benchmark,allocated_bytes_per_op,mean");
        foreach (BenchmarkReport report in summary.Reports.OrderBy(r => r.BenchmarkCase.Descriptor.WorkloadMethod.Name))
        {
            string name = report.BenchmarkCase.Descriptor.WorkloadMethod.Name;
            long? bytes = report.GcStats.GetBytesAllocatedPerOperation(report.BenchmarkCase);
            double? mean = report.ResultStatistics?.Mean;
            allZero &= bytes == 0;
            w.WriteLine(Csv.Line(name, bytes?.ToString(ci) ?? "failed", mean is { } m ? Format.Time(m) : "failed"));
            log.WriteLine($"{name}: {(bytes is null ? "no result" : bytes + " B/op")}");
        }

        foreach (BenchmarkReport report in commits.Reports.OrderBy(r => r.BenchmarkCase.Descriptor.WorkloadMethod.Name))
        {
            // F# commits: a plan's are reported, not part of the zero check (building a plan allocates its block's
            // closure); a committing block's are (it makes no plan value).
            string name = report.BenchmarkCase.Descriptor.WorkloadMethod.Name;
            long? bytes = report.GcStats.GetBytesAllocatedPerOperation(report.BenchmarkCase);
            if (name.StartsWith("Committing", System.StringComparison.Ordinal))
            {
                allZero &= bytes == 0;
            }

            double? mean = report.ResultStatistics?.Mean;
            w.WriteLine(Csv.Line(name, bytes?.ToString(ci) ?? "failed", mean is { } m ? Format.Time(m) : "failed"));
            log.WriteLine($"{name}: {(bytes is null ? "no result" : bytes + " B/op")}");
        }

        log.WriteLine(allZero ? "Every hot path allocated 0 B/op." : "SOME HOT PATH ALLOCATES (see above).");
        return allZero;
    }
}
