using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Runtime.InteropServices;
using System.Text;

namespace Pmem.Bench;

/// <summary>
/// "F# commit ÷ hand-written C#": each <see cref="CommitShape"/> committed through <c>Durable.commit</c> and written by
/// hand in C#, in the same process, on one forced-pmem tmpfs mapping, in interleaved rounds (which side goes first
/// alternates), cold destinations; the ratio is the median of the per-round ratios. Writes
/// <c>bench/results/commit-ratio.md</c> and puts the same section into <c>docs/perf.md</c>.
/// </summary>
internal static unsafe class CommitRatioRun
{
    public const string Heading = "## F# commit ÷ hand-written C#";
    public const string FileName = "commit-ratio.md";
    private const long MappingLength = 512L << 20;
    private const double BatchNanoseconds = 5e6;

    // The sides, in the order of the table's columns.
    private const int Plan = 0;
    private const int Committing = 1;
    private const int CSharp = 2;
    private const int Sides = 3;

    public static int Run(BenchOptions options)
    {
        TextWriter log = options.Log;
        int rounds = options.Quick ? 11 : 31;
        using IDisposable scope = PmemOptions.Use(PmemOptions.FromEnvironment with { IsPmemForce = true });
        string path = Path.Combine("/dev/shm", $"pmem-commit-ratio-{Environment.ProcessId}-{Guid.NewGuid():N}");
        using PmemMapping mapping = PmemFile.Map(path, MappingLength, PmemFileFlags.Create | PmemFileFlags.Exclusive, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        File.Delete(path);
        byte* address = (byte*)mapping.Address;
        NativeMemory.Clear(address, (nuint)MappingLength);

        byte[] record = Enumerable.Range(0, 64).Select(b => (byte)b).ToArray();
        byte[] block = Enumerable.Range(0, 4096).Select(b => (byte)(b * 7)).ToArray();
        CommitShape[] shapes = CommitShape.All(record, block);
        var cursors = new long[shapes.Length];
        var batch = new int[shapes.Length];
        // [shape][side]: nanoseconds per operation per round, and the F# sides' ratios to C# per round.
        var times = new List<double>[shapes.Length, Sides];
        var ratios = new List<double>[shapes.Length, Sides];
        var allocated = new long[shapes.Length, Sides];
        var faults = new long[shapes.Length, Sides];
        var operations = new long[shapes.Length, Sides];
        for (int s = 0; s < shapes.Length; s++)
        {
            for (int side = 0; side < Sides; side++)
            {
                (times[s, side], ratios[s, side]) = ([], []);
            }

            // Calibrate on the C# side: a batch of about 2 ms (warms every side up too).
            for (int warm = 0; warm < 3; warm++)
            {
                for (int side = 0; side < Sides; side++)
                {
                    RunBatch(shapes[s], mapping, address, ref cursors[s], 2000, side);
                }
            }

            double ns = RunBatch(shapes[s], mapping, address, ref cursors[s], 2000, CSharp) / 2000;
            batch[s] = Math.Clamp((int)(BatchNanoseconds / ns), 20, 100_000);
        }

        log.WriteLine($"F# commit ÷ hand-written C#: {rounds} rounds, {MappingLength >> 20} MiB forced-pmem tmpfs mapping …");
        var ns1 = new double[Sides];
        for (int round = 0; round < rounds; round++)
        {
            for (int s = 0; s < shapes.Length; s++)
            {
                // Which side goes first rotates from round to round.
                for (int k = 0; k < Sides; k++)
                {
                    int side = (round + k) % Sides;
                    long faultsBefore = MinorFaults();
                    long before = GC.GetAllocatedBytesForCurrentThread();
                    ns1[side] = RunBatch(shapes[s], mapping, address, ref cursors[s], batch[s], side) / batch[s];
                    long during = GC.GetAllocatedBytesForCurrentThread() - before;
                    faults[s, side] += MinorFaults() - faultsBefore;
                    operations[s, side] += batch[s];
                    allocated[s, side] = Math.Max(allocated[s, side], during / batch[s]);
                }

                for (int side = 0; side < Sides; side++)
                {
                    times[s, side].Add(ns1[side]);
                    ratios[s, side].Add(ns1[side] / ns1[CSharp]);
                }
            }
        }

        string section = Render(shapes, times, ratios, allocated, faults, operations, rounds, batch);
        log.WriteLine(section);
        Directory.CreateDirectory(options.ResultsDirectory);
        File.WriteAllText(Path.Combine(options.ResultsDirectory, FileName), section);
        if (options.DocsDirectory is { } docs && File.Exists(Path.Combine(docs, "perf.md")))
        {
            string perf = Path.Combine(docs, "perf.md");
            File.WriteAllText(perf, Splice(File.ReadAllText(perf), section));
        }

        return 0;
    }

    private static string PerThousand(long count, long operations) =>
        (1000.0 * count / Math.Max(1, operations)).ToString("0.0", System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>Replaces the section in <paramref name="perf"/>, or inserts it before "## Machine and run".</summary>
    public static string Splice(string perf, string section)
    {
        int start = perf.IndexOf(Heading, StringComparison.Ordinal);
        if (start >= 0)
        {
            int next = perf.IndexOf("\n## ", start + Heading.Length, StringComparison.Ordinal);
            return perf[..start] + section + (next < 0 ? "" : perf[(next + 1)..]);
        }

        int machine = perf.IndexOf("## Machine and run", StringComparison.Ordinal);
        return machine < 0 ? perf + "\n" + section : perf[..machine] + section + perf[machine..];
    }

    /// <returns>Nanoseconds for <paramref name="count"/> operations of <paramref name="side"/>.</returns>
    private static double RunBatch(CommitShape shape, PmemMapping mapping, byte* address, ref long cursor, int count, int side)
    {
        long slots = (MappingLength / shape.SlotBytes) - 1;
        long start = Stopwatch.GetTimestamp();
        for (int k = 0; k < count; k++)
        {
            long slot = (cursor++ % slots) * shape.SlotBytes;
            switch (side)
            {
                case Plan:
                    shape.FSharp(mapping, slot, cursor);
                    break;
                case Committing:
                    shape.Committing(mapping, slot, cursor);
                    break;
                default:
                    shape.CSharp(mapping, address, slot, cursor);
                    break;
            }
        }

        return Stopwatch.GetElapsedTime(start).TotalNanoseconds;
    }

    /// <summary>The process's minor page faults so far (field 10 of /proc/self/stat), or 0 where there is none.</summary>
    private static long MinorFaults()
    {
        try
        {
            string stat = File.ReadAllText("/proc/self/stat");
            // The command name (field 2) is in parentheses and may hold spaces: count from the last ')'.
            string[] fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
            return long.Parse(fields[7], System.Globalization.CultureInfo.InvariantCulture);
        }
        catch (IOException)
        {
            return 0;
        }
    }

    private static string Render(CommitShape[] shapes, List<double>[,] times, List<double>[,] ratios, long[,] allocated, long[,] faults, long[,] operations, int rounds, int[] batch)
    {
        var md = new StringBuilder();
        string cpu = MachineInfo.Describe().First(f => f.Key == "cpu").Value;
        md.AppendLine(Heading);
        md.AppendLine();
        md.AppendLine($"`Pmem.Bench --commit-ratio` ({DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC, {cpu}, {Environment.ProcessorCount} logical CPUs, load {MachineInfo.LoadAverage()}): " +
            "each shape written three ways ([Plans.fs](../bench/Pmem.Bench.Plans/Plans.fs), [CommitShapes.cs](../bench/Pmem.Bench/CommitRatio/CommitShapes.cs)): " +
            "as a `durable { }` plan built and committed with `Durable.commit`, as the same block committed where it is written with " +
            "`Durable.committing mapping { … }`, and as the C# it replaces; in one process on one forced-pmem tmpfs mapping " +
            $"(`PMEM_IS_PMEM_FORCE`), cold destinations (each operation in a fresh slot of a 512 MiB file), {rounds} interleaved rounds " +
            "(which side goes first rotates), batches of about 5 ms. Ratio: median of the per-round ratios to C# (min–max). " +
            "B/op: bytes the side allocated per operation (largest batch).");
        md.AppendLine();
        md.AppendLine("| plan | hand-written C# it replaces | C# | `Durable.commit` plan | ÷ C# | B/op | `Durable.committing` block | ÷ C# | B/op |");
        md.AppendLine("|---|---|---:|---:|---:|---:|---:|---:|---:|");
        for (int s = 0; s < shapes.Length; s++)
        {
            Spread plan = Spread.Of(ratios[s, Plan]);
            Spread committing = Spread.Of(ratios[s, Committing]);
            md.AppendLine($"| {shapes[s].Name} | {shapes[s].HandWritten} | {Format.Time(Spread.Of(times[s, CSharp]).Median)} | " +
                $"{Format.Time(Spread.Of(times[s, Plan]).Median)} | **{Format.Ratio(plan.Median)}×** ({Format.Ratio(plan.Min)}–{Format.Ratio(plan.Max)}) | {allocated[s, Plan]} | " +
                $"{Format.Time(Spread.Of(times[s, Committing]).Median)} | **{Format.Ratio(committing.Median)}×** ({Format.Ratio(committing.Min)}–{Format.Ratio(committing.Max)}) | {allocated[s, Committing]} |");
        }

        md.AppendLine();
        md.AppendLine($"Operations per batch: {string.Join(", ", shapes.Select((s, i) => $"{batch[i]}"))}. " +
            "The process's minor page faults per 1000 operations, during each side's batches (plan / committing / C#): " +
            string.Join("; ", shapes.Select((shape, s) =>
                $"{shape.Name} {PerThousand(faults[s, Plan], operations[s, Plan])} / {PerThousand(faults[s, Committing], operations[s, Committing])} / {PerThousand(faults[s, CSharp], operations[s, CSharp])}")) +
            ".");
        md.AppendLine();
        md.AppendLine("Where the difference goes (found by single-stepping one commit of each shape under gdb in the bench's own JIT " +
            "state on the machine above, not measured by this table): hand-written C# issues its stores and flushes while the " +
            "previous operation's drain (the SFENCE after CLWB or after non-temporal stores) is still completing. A commit must " +
            "first run its plan and record it, and every memory write of that bookkeeping (saved registers, the journal's steps, " +
            "the block's closure) queues behind the previous drain; once the store queue is full the commit waits for that " +
            "drain, and the rest of its work runs after it instead of in its shadow. A commit issues its last fence after its own " +
            "bookkeeping (releasing its journal and claim), so that part runs while its flushes complete. Per operation, " +
            "instructions and memory writes, F# (C#): one write 369 and 53 (178 and 26), the log append 1077 and 155 (467 and " +
            "61), the 4 KiB write 745 and 152 with its 64 non-temporal stores (482 and 104; a block's only write goes to the " +
            "mapping at once, never recorded), no load waiting on a forwarding failure. Processes differ: in some every drain " +
            "is slower (the C# side's 8 scattered writes take about 690 ns instead of 440) and there the F# side's extra work " +
            "shows: one write 1.06–1.10×, the log append 1.12–1.13×, the 4 KiB write 1.17–1.54×; in the others 1.03–1.05×, " +
            "1.05–1.06× and 1.04–1.07× (runs of December 7 on the machine above, the two kinds of process in varying " +
            "proportions through the day). The scatter plans iterate " +
            "their offsets array (`for offset in offsets`); " +
            "`for k in a .. b` would allocate a range and its enumerator per plan.");
        md.AppendLine();
        return md.ToString();
    }
}
