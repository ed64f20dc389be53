using System;
using System.IO;
using Pmem.Bench;

// Thin shell over Runner: dotnet run --project bench/Pmem.Bench -c Release -- [--quick] [--no-peer] [--filter TEXT] [--output DIR] [--bdn] [--report CSV]
string? root = BenchOptions.FindRepositoryRoot(Directory.GetCurrentDirectory()) ?? BenchOptions.FindRepositoryRoot(AppContext.BaseDirectory);
if (root is null)
{
    Console.Error.WriteLine("Pmem.Bench: run it inside the Pmem repository (no Pmem.sln found above the current directory).");
    return 2;
}

bool quick = false, noPeer = false, bdn = false, commitRatio = false;
string? filter = null, report = null, output = null;
for (int i = 0; i < args.Length; i++)
{
    switch (args[i])
    {
        case "--quick": quick = true; break;
        case "--no-peer": noPeer = true; break;
        case "--bdn": bdn = true; break;
        case "--commit-ratio": commitRatio = true; break;
        case "--filter" when i + 1 < args.Length: filter = args[++i]; break;
        case "--report" when i + 1 < args.Length: report = args[++i]; break;
        case "--output" when i + 1 < args.Length: output = Path.GetFullPath(args[++i]); break;
        case "-h" or "--help":
            Console.WriteLine("Pmem.Bench [--quick] [--no-peer] [--filter TEXT] [--output DIR] | --bdn | --report bench/results/NAME.csv");
            Console.WriteLine("  (default)  full run: every operation hot and cold, 21 rounds; writes bench/results/full.csv and docs/perf.md");
            Console.WriteLine("  --quick    quick run (< 3 minutes): cold rows (+ hot persist), 9 rounds; writes bench/results/quick.csv and docs/perf.md");
            Console.WriteLine("  --no-peer  run without the C peer (C libpmem called from C); the report says loudly that it is missing");
            Console.WriteLine("  --filter   only operations whose name contains TEXT (e.g. memcpy)");
            Console.WriteLine("  --bdn      BenchmarkDotNet MemoryDiagnoser over the hot paths; writes bench/results/allocations.csv");
            Console.WriteLine("  --commit-ratio  F# commit ÷ hand-written C# (five plan shapes); writes bench/results/commit-ratio.md and its docs/perf.md section");
            Console.WriteLine("  --report   regenerate docs/perf.md and its chart from a run's CSV");
            Console.WriteLine("  --output   write the CSV files, perf.md and the chart to DIR instead of bench/results and docs");
            return 0;
        default:
            Console.Error.WriteLine($"Pmem.Bench: unknown argument '{args[i]}' (try --help)");
            return 2;
    }
}

BenchOptions options = BenchOptions.ForRepository(root, quick) with
{
    NoPeer = noPeer,
    Filter = filter,
    ResultsDirectory = output ?? Path.Combine(root, "bench", "results"),
    DocsDirectory = output ?? Path.Combine(root, "docs"),
    CommandLine = string.Join(' ', ["Pmem.Bench", .. args]),
};
if (report is not null)
{
    Runner.WriteReport(Path.GetFullPath(report), options.DocsDirectory!);
    return 0;
}

return commitRatio ? CommitRatioRun.Run(options) : bdn ? Runner.RunAllocationCheck(options) : Runner.Run(options);
