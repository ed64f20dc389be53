namespace Pmem.FSharp

open System
open System.Collections.Generic
open System.Text
open Pmem

/// Text for Durable.render: the steps a plan recorded, and the calls its commit would make.
module internal PlanRender =
    let private range (offset: int64) (length: int64) = $"[{offset}, {offset + length})"

    /// The first 16 bytes a write step stores, in hex.
    let private preview (journal: Journal) (i: int) =
        let s = journal.Step i

        let bytes =
            if s.Kind = CommitStepKind.Scalar then
                journal.ScalarBytes(i).ToArray()
            else
                journal.Bytes(&s).Span.Slice(0, int (min s.Length 16L)).ToArray()

        let hex = bytes |> Array.map (fun b -> b.ToString "X2") |> String.concat " "
        if s.Length > 16L then hex + " …" else hex

    let private step (journal: Journal) (i: int) =
        let s = journal.Step i
        let where = range s.Offset s.Length
        let bad = if s.InRange then "" else $"  OUT OF RANGE (capacity {journal.Capacity})"

        match s.Kind with
        | CommitStepKind.Write -> $"write    {where,-22} {s.Length, 8} B  {preview journal i}{bad}"
        | CommitStepKind.Scalar ->
            let value =
                match s.Length with
                | 1L -> string (sbyte s.Value)
                | 2L -> string (int16 s.Value)
                | 4L -> string (int32 s.Value)
                | _ -> string s.Value

            $"write    {where,-22} {s.Length, 8} B  {preview journal i}  (int{s.Length * 8L} {value}){bad}"
        | CommitStepKind.Fill -> $"fill     {where,-22} {s.Length, 8} B  = 0x{byte s.Value:X2}{bad}"
        | CommitStepKind.Barrier -> "barrier"
        | _ -> $"read     {where,-22} {s.Length, 8} B"

    let private count (n: 'N) (noun: string) =
        if string n = "1" then $"1 {noun}" else $"{n} {noun}s"

    let private nonTemporal (nt: bool) = if nt then " non-temporal" else ""

    let private event (e: TargetEvent) =
        match e with
        | Stored (offset, length, nt) -> $"store    {range offset length}{nonTemporal nt}"
        | Filled (offset, length, value, nt) -> $"fill     {range offset length} = 0x{value:X2}{nonTemporal nt}"
        | FlushedLines (first, 1L) -> $"flush    line {first} (bytes {range (first * 64L) 64L})"
        | FlushedLines (first, n) -> $"flush    lines {first}..{first + n - 1L} (bytes {range (first * 64L) (n * 64L)})"
        | Drained -> "drain"
        | Msynced (offset, length) -> $"msync    {range offset length}"

    /// <param name="where">What the plan was rendered against, e.g. "no mapping (reads see zeros)".</param>
    /// <param name="pmem">Whether the target flushes lines (else it msyncs pages).</param>
    /// <param name="journal">The steps the plan recorded (a render journal).</param>
    /// <param name="outcome">The plan's value as text, or why it stopped.</param>
    /// <param name="events">The calls the commit would make (None when it would not get that far).</param>
    let format
        (where: string)
        (pmem: bool)
        (journal: Journal)
        (outcome: Result<string, PmemError>)
        (events: IReadOnlyList<TargetEvent> option)
        =
        let text = StringBuilder()
        let line (s: string) = text.Append(s).Append('\n') |> ignore
        let mutable writes, bytes, barriers, reads = 0, 0L, 0, 0

        for i in 0 .. journal.Count - 1 do
            let s = journal.Step i

            match s.Kind with
            | CommitStepKind.Barrier -> barriers <- barriers + 1
            | CommitStepKind.Read -> reads <- reads + 1
            | _ ->
                writes <- writes + 1
                bytes <- bytes + s.Length

        line $"Durable plan on {where}"
        line $"""{count writes "write"} ({count bytes "byte"}), {count barriers "barrier"}, {count reads "read"}"""

        for i in 0 .. journal.Count - 1 do
            line $"  {i + 1, 3}  {step journal i}"

        match outcome with
        | Ok value -> line $"Result: {value}"
        | Error e -> line $"Stopped: {PmemError.describe e}"

        match events with
        | None when journal.OutOfRangeWrites > 0 ->
            line "Commit would return OutOfRange for the first write out of range and write nothing."
        | None -> line "Commit would return the error above and write nothing."
        | Some events ->
            let how =
                if pmem then
                    "each touched line flushed once per group after its last store, one drain per group"
                else
                    "stores, then one msync per run of touched pages per group"

            line $"Commit ({how}):"

            for e in events do
                line $"  {event e}"

            let c = CommitCounts.ofEvents events

            if pmem then
                line
                    $"Totals: {c.Stores} stores ({c.NonTemporalStores} non-temporal), {c.FlushCalls} flush calls ({c.FlushedLines} lines), {c.Drains} drains"
            else
                line $"Totals: {c.Stores} stores, {c.MsyncCalls} msync calls ({c.MsyncBytes} bytes)"

        text.ToString()
