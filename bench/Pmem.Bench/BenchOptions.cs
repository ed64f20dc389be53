using System;
using System.IO;

namespace Pmem.Bench;

/// <summary>What a bench run measures and where it writes. Paths are used as given; <see cref="ForRepository"/> builds the repository's layout.</summary>
public sealed record BenchOptions
{
    /// <summary>Fewer rounds, shorter batches, no hot copy rows: finishes in well under 3 minutes on 2 cores.</summary>
    public bool Quick { get; init; }

    /// <summary>Run without the C peer (C libpmem called from C). The results and report then say loudly that it is missing.</summary>
    public bool NoPeer { get; init; }

    /// <summary>Only operations whose name contains this text (e.g. <c>memcpy</c>); <see langword="null"/> runs all.</summary>
    public string? Filter { get; init; }

    /// <summary>Where the CSV files and the machine description go (the repository's <c>bench/results</c>).</summary>
    public required string ResultsDirectory { get; init; }

    /// <summary>Where <c>perf.md</c> and its chart go (the repository's <c>docs</c>); <see langword="null"/> writes no report.</summary>
    public string? DocsDirectory { get; init; }

    /// <summary>Where the C peer's source is written and compiled (the repository's <c>bench/peer/obj</c>).</summary>
    public required string PeerBuildDirectory { get; init; }

    /// <summary>The command line that produced the run, quoted in the report.</summary>
    public string CommandLine { get; init; } = "Pmem.Bench";

    /// <summary>Progress and diagnostics.</summary>
    public TextWriter Log { get; init; } = Console.Out;

    /// <summary>The run's name: <c>quick</c> or <c>full</c>; result files are named after it.</summary>
    public string RunName => Quick ? "quick" : "full";

    /// <summary>Options laid out in a checkout of the repository at <paramref name="repositoryRoot"/>.</summary>
    /// <param name="repositoryRoot">The directory that holds <c>Pmem.sln</c>.</param>
    /// <param name="quick">Quick mode.</param>
    /// <returns>Options writing to <c>bench/results</c> and <c>docs</c>, building the peer in <c>bench/peer/obj</c>.</returns>
    public static BenchOptions ForRepository(string repositoryRoot, bool quick) => new()
    {
        Quick = quick,
        ResultsDirectory = Path.Combine(repositoryRoot, "bench", "results"),
        DocsDirectory = Path.Combine(repositoryRoot, "docs"),
        PeerBuildDirectory = Path.Combine(repositoryRoot, "bench", "peer", "obj"),
        CommandLine = "Pmem.Bench" + (quick ? " --quick" : ""),
    };

    /// <summary>The nearest directory at or above <paramref name="start"/> that holds <c>Pmem.sln</c>, or <see langword="null"/>.</summary>
    /// <param name="start">Where to start looking.</param>
    /// <returns>The repository root or <see langword="null"/>.</returns>
    public static string? FindRepositoryRoot(string start)
    {
        for (DirectoryInfo? dir = new(start); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Pmem.sln")))
            {
                return dir.FullName;
            }
        }

        return null;
    }
}
