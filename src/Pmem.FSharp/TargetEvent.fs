namespace Pmem.FSharp

open Pmem

/// One call a commit made on its target, in order (Core's CommitEvent, as a union for tests and render).
type internal TargetEvent =
    | Stored of offset: int64 * length: int64 * nonTemporal: bool
    | Filled of offset: int64 * length: int64 * value: byte * nonTemporal: bool
    | FlushedLines of firstLine: int64 * lineCount: int64
    | Drained
    | Msynced of offset: int64 * length: int64

module internal TargetEvent =
    let ofCommitEvent (e: CommitEvent) =
        match e.Kind with
        | CommitEventKind.Stored -> Stored(e.Offset, e.Length, e.NonTemporal)
        | CommitEventKind.Filled -> Filled(e.Offset, e.Length, e.Value, e.NonTemporal)
        | CommitEventKind.FlushedLines -> FlushedLines(e.Offset, e.Length)
        | CommitEventKind.Drained -> Drained
        | _ -> Msynced(e.Offset, e.Length)

/// Call counts of one commit, derived from its events.
type internal CommitCounts =
    {
        /// Store and Fill calls (each partial line run and each non-temporal body is one).
        Stores: int
        /// Store and Fill calls with non-temporal stores.
        NonTemporalStores: int
        FlushCalls: int
        FlushedLines: int64
        Drains: int
        MsyncCalls: int
        MsyncBytes: int64
    }

module internal CommitCounts =
    let ofEvents (events: TargetEvent seq) =
        let zero =
            {
                Stores = 0
                NonTemporalStores = 0
                FlushCalls = 0
                FlushedLines = 0L
                Drains = 0
                MsyncCalls = 0
                MsyncBytes = 0L
            }

        (zero, events)
        ||> Seq.fold (fun c event ->
            match event with
            | Stored (_, _, nt)
            | Filled (_, _, _, nt) ->
                { c with
                    Stores = c.Stores + 1
                    NonTemporalStores = c.NonTemporalStores + (if nt then 1 else 0)
                }
            | FlushedLines (_, n) ->
                { c with
                    FlushCalls = c.FlushCalls + 1
                    FlushedLines = c.FlushedLines + n
                }
            | Drained -> { c with Drains = c.Drains + 1 }
            | Msynced (_, n) ->
                { c with
                    MsyncCalls = c.MsyncCalls + 1
                    MsyncBytes = c.MsyncBytes + n
                })
