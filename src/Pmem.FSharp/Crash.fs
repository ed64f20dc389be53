namespace Pmem.FSharp

open System
open System.Text
open Pmem.Simulation

[<RequireQualifiedAccess>]
module Crash =
    /// Ranges shown by diff, and bytes shown per range.
    let private maxRanges, maxBytes = 12, 16

    /// Events shown before the crash point, and after it.
    let private eventsBefore, eventsAfter = 16, 3

    let private hex (bytes: ReadOnlySpan<byte>) =
        let shown = bytes.Slice(0, min bytes.Length maxBytes).ToArray()
        let text = shown |> Array.map (fun b -> b.ToString "X2") |> String.concat " "
        if bytes.Length > maxBytes then text + " …" else text

    let private range (start: int64) (stop: int64) = $"[{start}, {stop})"

    /// Maximal runs [start, stop) of indices where the arrays differ.
    let private differences (a: byte array) (b: byte array) =
        let runs = ResizeArray()
        let mutable i = 0

        while i < a.Length do
            if a[i] <> b[i] then
                let start = i

                while i < a.Length && a[i] <> b[i] do
                    i <- i + 1

                runs.Add(start, i)
            else
                i <- i + 1

        runs

    let private diffInto (text: StringBuilder) (indent: string) (leftName: string) (rightName: string) (left: byte array) (right: byte array) =
        let runs = differences left right

        if runs.Count = 0 then
            text.Append(indent).Append("no byte differs\n") |> ignore
        else
            for start, stop in Seq.truncate maxRanges runs do
                let where = range start stop
                let l = hex (ReadOnlySpan(left, start, stop - start))
                let r = hex (ReadOnlySpan(right, start, stop - start))
                text.Append($"{indent}{where, -16} {leftName} {l}\n{indent}{String(' ', 16)} {rightName} {r}\n") |> ignore

            if runs.Count > maxRanges then
                text.Append($"{indent}… and {runs.Count - maxRanges} more ranges\n") |> ignore

    let diff (before: byte array) (after: byte array) =
        if before.Length <> after.Length then
            invalidArg (nameof after) $"The images differ in length ({before.Length} and {after.Length} bytes)."

        let text = StringBuilder()
        diffInto text "" "before" "after " before after
        text.ToString()

    let private event (e: PmemEvent) =
        match e with
        | :? PmemEvent.Store as s -> $"{s}  {hex (ReadOnlySpan s.Bytes)}"
        | e -> string e

    /// Unit ranges merged where they touch: "[64, 72) [80, 81)".
    let private ranges (units: CrashUnit seq) =
        let merged = ResizeArray<int64 * int64>()

        for u in units |> Seq.sortBy _.Offset do
            let stop = u.Offset + int64 u.Bytes.Length

            if merged.Count > 0 && snd merged[merged.Count - 1] = u.Offset then
                merged[merged.Count - 1] <- (fst merged[merged.Count - 1], stop)
            else
                merged.Add(u.Offset, stop)

        if merged.Count = 0 then
            "none"
        else
            merged |> Seq.map (fun (a, b) -> range a b) |> String.concat " "

    let describe (simulator: PmemSimulator) (crash: CrashImage) =
        let text = StringBuilder()
        let line (s: string) = text.Append(s).Append('\n') |> ignore
        let events = simulator.Events
        let k = crash.EventCount
        let total = events.Count
        line $"Crash after {k} of {total} events of the run (a power failure just after event {k}):"

        if k = 0 then
            line "  (before the first event)"

        let first = max 0 (k - eventsBefore)

        if first > 0 then
            line $"  … {first} earlier events"

        for i in first .. k - 1 do
            line $"  {i + 1, 5}  {event events[i]}"

        if k < total then
            line "  ----- crash -----"

            for i in k .. min total (k + eventsAfter) - 1 do
                line $"  {i + 1, 5}  {event events[i]}  (did not happen)"

            if total > k + eventsAfter then
                line $"  … {total - k - eventsAfter} later events"

        let pending = crash.State.PendingLines

        if pending.Count = 0 then
            line "Nothing was pending: the image is what was persistent."
        else
            line "Cache lines pending at the crash, and what of them persisted (units in program order):"

            for i in 0 .. pending.Count - 1 do
                let l = pending[i]
                let kept = crash.Prefixes[i]
                let start = l.Line * 64L

                let flushed =
                    if l.Flushed > 0 then
                        $", {l.Flushed} flushed and awaiting a fence"
                    else
                        ", none flushed"

                line $"  line {l.Line} {range start (start + 64L)}: {kept} of {l.Units.Count} units persisted{flushed}"
                line $"      persisted: {ranges (Seq.take kept l.Units)}"
                line $"      lost:      {ranges (Seq.skip kept l.Units)}"

        line "The crash image compared with the state before the run:"
        diffInto text "  " "before" "image " (simulator.InitialImage()) crash.Image
        line "The crash image compared with the state the whole run leaves:"
        diffInto text "  " "image " "after " crash.Image (simulator.CurrentImage())
        text.ToString()
