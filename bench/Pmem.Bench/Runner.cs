using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;
using Pmem.Bench.Native;

namespace Pmem.Bench;

/// <summary>
/// The benchmark as a library: <see cref="Run"/> measures every implementation side by side and writes the CSV
/// files, and (when <see cref="BenchOptions.DocsDirectory"/> is set) <c>perf.md</c> with its chart. The
/// <c>Pmem.Bench</c> program (the build script's Bench target runs it) is a thin shell over it.
/// </summary>
public static class Runner
{
    /// <summary>Exit code when the C peer cannot be built or loaded (and <see cref="BenchOptions.NoPeer"/> was not given).</summary>
    public const int PeerMissingExitCode = 3;

    /// <summary>Runs the benchmark.</summary>
    /// <param name="options">Mode and output locations.</param>
    /// <returns>0 on success; <see cref="PeerMissingExitCode"/> when the peer is missing; 1 on other failures.</returns>
    public static unsafe int Run(BenchOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        TextWriter log = options.Log;
        string loadBefore = MachineInfo.LoadAverage();
        var clock = Stopwatch.StartNew();
        CpuUsage cpu = CpuUsage.Start();

        // libpmem reads its environment when it is loaded: set the C environment before anything loads it.
        Libc.setenv("PMEM_IS_PMEM_FORCE", "1", 1);

        PeerLibrary? peer = null;
        string peerStatus;
        if (options.NoPeer)
        {
            peerStatus = "MISSING: --no-peer was given";
            log.WriteLine("WARNING: running WITHOUT the C peer (--no-peer): no \"C libpmem called from C\" rows, ratios fall back to P/Invoke.");
        }
        else
        {
            PeerBuild build = PeerBuilder.Build(options.PeerBuildDirectory, log);
            if (build.LibraryPath is null)
            {
                return PeerMissing(log, build.Problem!);
            }

            try
            {
                peer = PeerLibrary.Load(build.LibraryPath);
            }
            catch (DllNotFoundException e)
            {
                return PeerMissing(log, $"the peer was built but does not load ({e.Message}); install libpmem with: {PeerBuilder.InstallCommand}");
            }

            peerStatus = $"built with gcc from bench/peer/pmem_peer.c against libpmem API {peer.ApiVersion}" +
                (peer.VersionProblem is null ? "" : $" (pmem_check_version: {peer.VersionProblem})");
        }

        bool libpmem = Libpmem.IsAvailable();
        if (!libpmem)
        {
            log.WriteLine($"WARNING: libpmem.so.1 cannot be loaded: no P/Invoke rows. Install it with: {PeerBuilder.InstallCommand}");
        }

        using IDisposable scope = PmemOptions.Use(PmemOptions.FromEnvironment with { IsPmemForce = true });
        using Workspace workspace = Workspace.Create(log);
        if (!workspace.PmemMapping.IsPmem)
        {
            log.WriteLine($"The /dev/shm mapping is not pmem even with PMEM_IS_PMEM_FORCE=1: {workspace.PmemMapping.IsPmemReason}");
            return 1;
        }

        var registry = new Registry();
        PmemRows.Register(registry);
        OneThreadRows.Register(registry);
        Movdir64BRows.Register(registry, log);
        FSharpRows.Register(registry);
        if (peer is not null)
        {
            PeerRows.Register(registry, peer);
        }

        if (libpmem)
        {
            PInvokeRows.Register(registry);
        }

        DotNetRows.Register(registry);

        IReadOnlyList<Operation> operations = Operations.For(options.Quick)
            .Where(o => options.Filter is null || o.Name.Contains(options.Filter, StringComparison.Ordinal))
            .ToList();
        var measurer = options.Quick
            ? new Measurer(rounds: 9, batchTarget: TimeSpan.FromMilliseconds(2))
            : new Measurer(rounds: 21, batchTarget: TimeSpan.FromMilliseconds(8));

        log.WriteLine($"{options.RunName} run: {operations.Count} operations, {measurer.Rounds} rounds, batches of ~{measurer.BatchTarget.TotalMilliseconds} ms; warming up the JIT …");
        var warmUpClock = Stopwatch.StartNew();
        Measurer.WarmUpJit(workspace, registry, operations);
        log.WriteLine($"JIT warm-up took {warmUpClock.Elapsed.TotalSeconds:0.0} s.");

        var measurements = new List<Measurement>();
        foreach (Operation operation in operations)
        {
            foreach (long size in operation.Sizes)
            {
                IReadOnlyList<Registration> registrations = registry.For(operation.Kind, size);
                Cell cell = workspace.CreateCell(operation, size);
                IReadOnlyList<Measurement> cellResults = measurer.Measure(cell, registrations);
                workspace.Finished(cell);
                measurements.AddRange(cellResults);
                log.WriteLine(Describe(cellResults));
            }
        }

        var machine = new List<KeyValuePair<string, string>>
        {
            new("command", options.CommandLine),
            new("date", DateTime.UtcNow.ToString("yyyy-MM-dd HH:mm 'UTC'", System.Globalization.CultureInfo.InvariantCulture)),
            new("mode", options.RunName),
            new("rounds", measurer.Rounds.ToString(System.Globalization.CultureInfo.InvariantCulture)),
            new("batch target", $"{measurer.BatchTarget.TotalMilliseconds} ms"),
            new("load before", loadBefore),
            new("load after", MachineInfo.LoadAverage()),
            new("duration", $"{clock.Elapsed.TotalSeconds:0} s"),
            new("cpu use during the run", cpu.Describe()),
            new("jit compilations during timed batches", measurer.JitCompilationsDuringTimedBatches.ToString(System.Globalization.CultureInfo.InvariantCulture)),
        };
        machine.AddRange(MachineInfo.Describe());
        string? libpmemVersion = PeerBuilder.DebianPackageVersion("libpmem1");
        machine.Add(new("libpmem", (libpmemVersion is null ? "version unknown (no dpkg)" : "Debian libpmem1 " + libpmemVersion) +
            (libpmem ? "" : "; libpmem.so.1 NOT loadable")));
        machine.Add(new("peer", peerStatus));
        machine.Add(new("nt ceilings (C)", peer is null ? "not measured (no peer)" : $"{peer.CeilingWidth}-bit non-temporal stores"));
        machine.Add(new("pmem file", $"{Workspace.PmemLength >> 20} MiB file on /dev/shm ({MachineInfo.FileSystemOf(workspace.PmemDirectory)})"));
        machine.Add(new("pmem is_pmem", workspace.PmemMapping.IsPmem ? "true" : "false"));
        machine.Add(new("libpmem is_pmem", peer is null ? "not checked (no peer)" : peer.IsPmem((void*)workspace.PmemMapping.Address, (nuint)Workspace.PmemLength) ? "1" : "0"));
        machine.Add(new("disk file", $"{Workspace.DiskLength >> 20} MiB file in the temporary directory ({MachineInfo.FileSystemOf(workspace.DiskDirectory)})"));

        string csvPath = Path.Combine(options.ResultsDirectory, options.RunName + ".csv");
        ResultSet.Write(csvPath, measurements, machine);
        log.WriteLine($"Wrote {csvPath} in {clock.Elapsed.TotalSeconds:0} s (load average before {loadBefore}, after {MachineInfo.LoadAverage()}).");
        if (options.DocsDirectory is not null)
        {
            PerfReport.Write(csvPath, options.DocsDirectory);
            log.WriteLine($"Wrote {Path.Combine(options.DocsDirectory, "perf.md")} and {PerfReport.ChartFileName}.");
        }

        if (peer is null)
        {
            log.WriteLine("WARNING: the C peer was NOT measured (--no-peer); the report says so.");
        }

        return 0;
    }

    /// <summary>Regenerates <c>perf.md</c> and its chart in <paramref name="docsDirectory"/> from a run's CSV files.</summary>
    /// <param name="csvPath">A run's summary CSV (its <c>.samples.csv</c> and <c>.machine.txt</c> are read from beside it).</param>
    /// <param name="docsDirectory">Where <c>perf.md</c> and the chart go.</param>
    public static void WriteReport(string csvPath, string docsDirectory) => PerfReport.Write(csvPath, docsDirectory);

    /// <summary>
    /// Runs BenchmarkDotNet with <c>MemoryDiagnoser</c> over the hot paths (in process) and writes
    /// <c>allocations.csv</c> to <see cref="BenchOptions.ResultsDirectory"/>; regenerates the report from the newest run CSV if any.
    /// </summary>
    /// <param name="options">Output locations.</param>
    /// <returns>0 when every hot path allocated nothing, 1 otherwise.</returns>
    public static int RunAllocationCheck(BenchOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        bool zero = AllocationCheck.Run(Path.Combine(options.ResultsDirectory, PerfReport.AllocationsFileName), options.Log);
        string? newest = new[] { "quick.csv", "full.csv" }
            .Select(f => Path.Combine(options.ResultsDirectory, f))
            .Where(File.Exists)
            .OrderByDescending(File.GetLastWriteTimeUtc)
            .FirstOrDefault();
        if (options.DocsDirectory is not null && newest is not null)
        {
            PerfReport.Write(newest, options.DocsDirectory);
        }

        return zero ? 0 : 1;
    }

    private static int PeerMissing(TextWriter log, string problem)
    {
        log.WriteLine("ERROR: the C peer (C libpmem called from C) cannot be built, and the benchmark does not run without it.");
        log.WriteLine(problem);
        log.WriteLine($"Install:   {PeerBuilder.InstallCommand}   (and gcc if it is missing)");
        log.WriteLine("Or run without the peer on purpose: add --no-peer (the results then say loudly that it is missing).");
        return PeerMissingExitCode;
    }

    private static string Describe(IReadOnlyList<Measurement> cell)
    {
        Measurement first = cell[0];
        Measurement? baseline = cell.FirstOrDefault(m => m.Role == Role.Baseline);
        var parts = cell.Select(m =>
        {
            string ratio = baseline is not null && m.Role == Role.Pmem ? $" {m.Spread.Median / baseline.Spread.Median:0.00}×" : "";
            return $"{m.Implementation} {Format.Time(m.Spread.Median)}{ratio}";
        });
        return $"{first.Operation} {Format.Size(first.Size)}: {string.Join(" | ", parts)}";
    }
}
