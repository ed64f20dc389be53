using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Runtime;
using System.Runtime.InteropServices;
using System.Text;
using System.Threading;

namespace Pmem.Bench;

/// <summary>
/// "F# commit ÷ hand-written C#": each <see cref="CommitShape"/> committed as a plan through <c>Durable.commit</c>, as a
/// block through <c>Durable.committing</c>, and written by hand in C#, in the same process, on one forced-pmem tmpfs
/// mapping, after a warm-up that lets the runtime finish tiering, in rounds of interleaved pairs (each F# side with a C#
/// batch of its own, which goes first alternating), cold destinations; a ratio is the median of the per-round ratios. Writes
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
        }

        // Batches of about 5 ms, from the C# side's time (each side run once first).
        for (int s = 0; s < shapes.Length; s++)
        {
            for (int side = 0; side < Sides; side++)
            {
                RunBatch(shapes[s], mapping, address, ref cursors[s], 2000, side);
            }

            double ns = RunBatch(shapes[s], mapping, address, ref cursors[s], 2000, CSharp) / 2000;
            batch[s] = Math.Clamp((int)(BatchNanoseconds / ns), 20, 100_000);
        }

        // Nanoseconds per operation of one batch of side on shape s; its bytes and faults counted when recording.
        double Measure(int s, int side, bool record)
        {
            long faultsBefore = MinorFaults();
            long before = GC.GetAllocatedBytesForCurrentThread();
            double ns = RunBatch(shapes[s], mapping, address, ref cursors[s], batch[s], side) / batch[s];
            long during = GC.GetAllocatedBytesForCurrentThread() - before;
            if (record)
            {
                faults[s, side] += MinorFaults() - faultsBefore;
                operations[s, side] += batch[s];
                allocated[s, side] = Math.Max(allocated[s, side], during / batch[s]);
            }

            return ns;
        }

        // One round: each F# side against C# in a pair of its own (a third side between them changed both F# sides'
        // ratios from run to run), the side that goes first alternating each round, the pairs' order every other round.
        void Round(int round, bool record)
        {
            for (int s = 0; s < shapes.Length; s++)
            {
                for (int p = 0; p < 2; p++)
                {
                    int fs = ((round >> 1) + p) % 2 == 0 ? Plan : Committing;
                    bool fsFirst = (round & 1) == 0;
                    double f = fsFirst ? Measure(s, fs, record) : 0;
                    double c = Measure(s, CSharp, record);
                    f = fsFirst ? f : Measure(s, fs, record);
                    if (record)
                    {
                        times[s, fs].Add(f);
                        times[s, CSharp].Add(c);
                        ratios[s, fs].Add(f / c);
                    }
                }
            }
        }

        // Warm up with rounds as measured, each followed by a pause, until a round compiles no new method: the
        // runtime starts counting a method's calls for tier 1 only after 100 ms without new tier-0 code, then compiles
        // in the background. Without the pauses a method could keep its instrumented tier-0 code for the whole run
        // (seen for both F# sides of the 4 KiB write, 1.6–1.9× the C#, in one process of two).
        long compiled = -1;
        int passes = 0;
        for (; passes < 20 && JitInfo.GetCompiledMethodCount() != compiled; passes++)
        {
            compiled = JitInfo.GetCompiledMethodCount();
            Round(passes, record: false);
            Thread.Sleep(250);
        }

        long compiledBefore = JitInfo.GetCompiledMethodCount();
        log.WriteLine($"F# commit ÷ hand-written C#: {rounds} rounds, {MappingLength >> 20} MiB forced-pmem tmpfs mapping …");
        for (int round = 0; round < rounds; round++)
        {
            Round(round, record: true);
        }

        var jit = (passes, JitInfo.GetCompiledMethodCount() - compiledBefore);
        string section = Render(shapes, times, ratios, allocated, faults, operations, rounds, batch, jit);
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

    private static string Render(CommitShape[] shapes, List<double>[,] times, List<double>[,] ratios, long[,] allocated, long[,] faults, long[,] operations, int rounds, int[] batch, (int Passes, long CompiledDuring) jit)
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
            "each F# side paired with a C# batch of its own (which goes first alternates), batches of about 5 ms. Ratio: median of the per-round ratios to C# (min–max). " +
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
        md.AppendLine("Before the rounds every side of every shape runs in batches with a pause after each pass, until a pass " +
            "compiles no new method (`JitInfo.GetCompiledMethodCount`): the runtime starts counting a method's calls for tier 1 only " +
            "after 100 ms without new tier-0 code, and without the pauses a method compiled late in the warm-up could keep its " +
            "instrumented tier-0 code for the whole run (seen as whole runs with one F# side of the 4 KiB write at 1.6–1.9× the C#; " +
            $"earlier versions of this page called such runs slow-drain processes). This run: {jit.Passes} passes; the JIT compiled " +
            $"{jit.CompiledDuring} methods during the rounds.");
        md.AppendLine();
        md.AppendLine("A `durable { }` plan is a value: each one built holds its block's code and what it captures (B/op above), and " +
            "a thread allocates in memory the runtime hands out fresh, whose first touch is a page fault (the counts above). " +
            "`Durable.committing` compiles the block into its caller between the commit's start and end: no plan value, no " +
            "allocation, no closure call.");
        md.AppendLine();
        md.AppendLine("Where the rest goes (found by single-stepping one commit of each shape under gdb in the bench's own JIT " +
            "state on the machine above, not measured by this table): hand-written C# issues its stores and flushes while the " +
            "previous operation's drain (the SFENCE after CLWB or after non-temporal stores) is still completing. A commit " +
            "first runs its block and records it, and every memory write of that bookkeeping (saved registers, the journal's " +
            "steps) queues behind the previous drain; once the store queue is full the commit waits for that drain. A commit " +
            "issues its last fence after its own bookkeeping (releasing its journal and claim), so that part runs while its " +
            "flushes complete. Per operation, instructions and memory writes, plan / committing / C#: one write 369 and 53 / " +
            "433 and 74 / 178 and 26; the log append 1077 and 155 / 1100 and 155 / 467 and 61; the 4 KiB write, with its 64 " +
            "non-temporal stores, 745 and 152 / 757 and 155 / 482 and 104 (a block's only write goes to the mapping at once, " +
            "never recorded). The scatter plans iterate their offsets array (`for offset in offsets`); `for k in a .. b` would " +
            "allocate a range and its enumerator per commit.");
        md.AppendLine();
        return md.ToString();
    }
}
