namespace Pmem.FSharp

open System
open System.Collections.Generic
open Pmem

/// <summary>Durable.render and renderOn: a plan run into a render journal, and a dry run of its commit.</summary>
/// <remarks>
/// The dry run is Core's CommitApply over stores that only record (CommitApply.DryRun), so the calls shown are the
/// ones a commit would make; nothing is stored.
/// </remarks>
module internal DurableRender =
    /// Renders against <paramref name="target"/> (null: zeros, unbounded) of <paramref name="length"/> bytes.
    let private against (where: string) (target: ICommitTarget | null) (length: int64) (pmem: bool) (plan: Durable<'T>) =
        let journal = Journal()
        journal.Reset(target, length, true, false, false)

        try
            let outcome = PlanRun.evaluate journal plan |> Result.map (sprintf "%A")

            let events =
                match outcome with
                | Ok _ when journal.OutOfRangeWrites = 0 ->
                    let events = List<CommitEvent>()

                    let work = journal.Work
                    work.SetOptions(PmemCopyFlags.None, true, events, false)
                    CommitApply.DryRun(length, pmem, work)

                    Some(events |> Seq.map TargetEvent.ofCommitEvent |> List.ofSeq :> IReadOnlyList<TargetEvent>)
                | _ -> None

            PlanRender.format where pmem journal outcome events
        finally
            journal.Clear()

    let render (plan: Durable<'T>) =
        against "no mapping (reads see zeros and the plan's own writes)" null Int64.MaxValue true plan

    /// What the text says the plan was rendered against.
    let private describe (target: IPmemTarget) =
        let kind = if target.IsPmem then "pmem" else "not pmem: msync"

        match target with
        | :? PmemMapping as mapping ->
            let path = mapping.Path |> Option.ofObj |> Option.defaultValue "(temporary file)"
            $"{path}, {mapping.Length} bytes, {kind}"
        | :? Simulation.PmemSimulator as simulator -> $"a simulated pmem device, {simulator.Length} bytes"
        | _ -> $"{target.GetType().Name}, {target.Length} bytes, {kind}"

    let renderOn (target: IPmemTarget) (plan: Durable<'T>) =
        let seam = target.CommitTarget

        match DurableCommit.claimed seam (fun () -> Ok(against (describe target) seam seam.Length seam.IsPmem plan)) with
        | Ok text -> text
        | Error e -> PmemError.describe e
