/// PmemRedoLog, the C# redo log under Durable.commitAtomic: the commit protocol on the simulator and on a mapping,
/// refusals at commit time, and corrupted logs that recovery reports and never applies.
module Pmem.Tests.RedoLogTests

open System
open System.Buffers.Binary
open Expecto
open Pmem
open Pmem.FSharp
open Pmem.Simulation
open Pmem.Tests.TestDsl

/// A 4 KiB device whose last 1 KiB is the log.
let private size = 4096

let private region = RedoLogRegion.AtEnd(int64 size, 1024L)

let private bytes (n: int) (value: byte) = Array.create n value

let private writes (list: (int64 * byte array) list) =
    ResizeArray(list |> List.map (fun (o, b) -> struct (o, b))) :> Collections.Generic.IReadOnlyList<_>

let private data (image: byte array) = image[.. int region.Offset - 1]

let private redoLogError (f: unit -> unit) = (catchT<RedoLogException> f).Error

/// A device holding a committed but unapplied log of <paramref name="entries"/> (as a crash between the commit
/// mark and the apply would leave it), with <paramref name="corrupt"/> applied to the header and payload bytes first.
let private withCommittedLog (entries: (int64 * byte array) list) (corrupt: byte array -> byte array -> unit) =
    let payload = RedoLogLayout.EncodePayload(writes entries)
    let header = RedoLogLayout.EncodeHeader(payload.LongLength, 7UL, ReadOnlySpan payload)
    BinaryPrimitives.WriteUInt64LittleEndian(Span(header, RedoLogLayout.CommitOffset, 8), 7UL)
    corrupt header payload
    let device = PmemSimulator(size)
    device.Copy(region.Offset, ReadOnlySpan header)
    device.Copy(region.Offset + 64L, ReadOnlySpan payload)
    device

/// Recomputes the checksum after a corruption, so that the check after it is the one that fires.
let private reseal (header: byte array) (payload: byte array) =
    let sum = RedoLogLayout.Checksum(ReadOnlySpan header, ReadOnlySpan payload)
    BinaryPrimitives.WriteUInt64LittleEndian(Span(header, RedoLogLayout.ChecksumOffset, 8), sum)

let private entries = [ 8L, bytes 20 0xAAuy; 100L, bytes 8 0xBBuy ]

/// Each corruption, the error recovery must report, and a name.
let private corruptions: (string * RedoLogError * (byte array -> byte array -> unit)) list =
    [ "bad magic", RedoLogError.BadMagic, (fun h _ -> h[0] <- h[0] ^^^ 0xFFuy)
      "unknown version",
      RedoLogError.UnsupportedVersion,
      (fun h p ->
          BinaryPrimitives.WriteUInt32LittleEndian(Span(h, RedoLogLayout.VersionOffset, 4), 2u)
          reseal h p)
      "commit mark that is not the sequence number",
      RedoLogError.BadCommitMarker,
      (fun h _ -> BinaryPrimitives.WriteUInt64LittleEndian(Span(h, RedoLogLayout.CommitOffset, 8), 8UL))
      "length past the region",
      RedoLogError.LengthPastRegion,
      (fun h p ->
          BinaryPrimitives.WriteInt64LittleEndian(Span(h, RedoLogLayout.LengthOffset, 8), region.Length)
          reseal h p)
      "negative length",
      RedoLogError.LengthPastRegion,
      (fun h _ -> BinaryPrimitives.WriteInt64LittleEndian(Span(h, RedoLogLayout.LengthOffset, 8), -8L))
      "a flipped payload byte", RedoLogError.BadChecksum, (fun _ p -> p[20] <- p[20] ^^^ 1uy)
      "a flipped length byte", RedoLogError.BadChecksum, (fun h _ -> h[RedoLogLayout.LengthOffset] <- 8uy)
      "an entry longer than the log (truncated)",
      RedoLogError.Truncated,
      (fun h p ->
          // The second entry (at payload byte 40) claims 64 bytes; 8 remain.
          BinaryPrimitives.WriteInt64LittleEndian(Span(p, 48, 8), 64L)
          reseal h p)
      "an entry cut inside its header (truncated)",
      RedoLogError.Truncated,
      (fun h p ->
          // The recorded length ends 8 bytes into the second entry's header.
          BinaryPrimitives.WriteInt64LittleEndian(Span(h, RedoLogLayout.LengthOffset, 8), 48L)
          reseal h (p[..47]))
      "an entry aimed into the log region",
      RedoLogError.WriteOutOfRange,
      (fun h p ->
          BinaryPrimitives.WriteInt64LittleEndian(Span(p, 40, 8), region.Offset)
          reseal h p)
      "an entry aimed past the device",
      RedoLogError.WriteOutOfRange,
      (fun h p ->
          BinaryPrimitives.WriteInt64LittleEndian(Span(p, 0, 8), int64 size - 4L)
          reseal h p) ]

/// Regions a 4 KiB device cannot hold a log in: misaligned, smaller than a log, past the end, negative.
let private badRegions =
    [ RedoLogRegion(100L, 1024L); RedoLogRegion(0L, 64L); RedoLogRegion(3072L, 2048L); RedoLogRegion(-64L, 1024L) ]

/// (offset, length) of writes a commit must refuse: before the device, past its end, overlapping the log region, inside it.
let private outsideWrites =
    [ -1L, 8; int64 size - 4L, 8; region.Offset - 4L, 8; region.Offset + 64L, 1 ]

let private commitTests =
    testList
        "commit"
        [ testCase "a commit applies every write, leaves the log clean, and recovery then changes nothing" (fun () ->
              let device = PmemSimulator(size)
              PmemRedoLog.Commit(device, region, writes entries)
              let after = device.CurrentImage()
              after[8..27] =! bytes 20 0xAAuy
              after[100..107] =! bytes 8 0xBBuy
              // Everything is persistent when Commit returns: no pending line, so every crash image is this one.
              device.CrashState.PendingLines.Count =! 0
              PmemRedoLog.Recover(device, region) =! RedoLogRecovery.Clean
              device.CurrentImage() =! after)

          testCase "a region that never held a log recovers as NoLog, touching nothing" (fun () ->
              let device = PmemSimulator(size)
              PmemRedoLog.Recover(device, region) =! RedoLogRecovery.NoLog
              device.Events.Count =! 0)

          testCase "a committed, unapplied log is applied by recovery, once" (fun () ->
              let device = withCommittedLog entries (fun _ _ -> ())
              PmemRedoLog.Recover(device, region) =! RedoLogRecovery.Completed
              let image = device.CurrentImage()
              image[8..27] =! bytes 20 0xAAuy
              image[100..107] =! bytes 8 0xBBuy
              device.CrashState.PendingLines.Count =! 0
              PmemRedoLog.Recover(device, region) =! RedoLogRecovery.Clean
              device.CurrentImage() =! image)

          testCase "committing over a committed, unapplied log is refused (RecoveryNeeded) and writes nothing" (fun () ->
              let device = withCommittedLog entries (fun _ _ -> ())
              let before = device.Events.Count
              redoLogError (fun () -> PmemRedoLog.Commit(device, region, writes [ 0L, bytes 8 1uy ]))
              =! RedoLogError.RecoveryNeeded
              device.Events.Count =! before)

          testCase "a region holding something other than zeros or a log is not overwritten (BadMagic)" (fun () ->
              let device = PmemSimulator(size)
              device.Copy(region.Offset, ReadOnlySpan(bytes 8 0x11uy))
              let before = device.Events.Count
              redoLogError (fun () -> PmemRedoLog.Commit(device, region, writes [ 0L, bytes 8 1uy ])) =! RedoLogError.BadMagic
              device.Events.Count =! before)

          testCase "a mapping too small for the region is refused with a message that says how large it must be" (fun () ->
              let device = PmemSimulator(4096)
              let e = catchT<RedoLogException> (fun () -> PmemRedoLog.Commit(device, RedoLogRegion.AtEnd 4096L, writes [ 0L, bytes 8 1uy ]))
              e.Error =! RedoLogError.RegionTooSmall
              Expect.stringContains e.Message "4096-byte mapping is smaller than the region" "says why"
              Expect.stringContains e.Message "map at least 65600 bytes" "says what to do"
              device.Events.Count =! 0)

          testList
              "misaligned, tiny and outside regions are refused"
              [ for bad in badRegions ->
                    testCase $"offset {bad.Offset}, length {bad.Length}" (fun () ->
                        let device = PmemSimulator(4096)
                        redoLogError (fun () -> PmemRedoLog.Commit(device, bad, writes [])) =! RedoLogError.RegionTooSmall
                        redoLogError (fun () -> PmemRedoLog.Recover(device, bad) |> ignore) =! RedoLogError.RegionTooSmall
                        device.Events.Count =! 0) ]

          testCase "a transaction larger than the region is refused before anything is written" (fun () ->
              let device = PmemSimulator(size)
              let e = catchT<RedoLogException> (fun () -> PmemRedoLog.Commit(device, region, writes [ 0L, bytes 1000 1uy ]))
              e.Error =! RedoLogError.RegionTooSmall
              Expect.stringContains e.Message "needs 1080 bytes of log" "the size it needs"
              device.Events.Count =! 0)

          testList
              "writes outside the device or into the log region are refused (WriteOutOfRange)"
              [ for offset, length in outsideWrites ->
                    testCase $"{length} bytes at {offset}" (fun () ->
                        let device = PmemSimulator(size)
                        redoLogError (fun () -> PmemRedoLog.Commit(device, region, writes [ offset, bytes length 1uy ]))
                        =! RedoLogError.WriteOutOfRange
                        device.Events.Count =! 0) ] ]

let private corruptionTests =
    testList
        "corrupted logs are reported and never applied"
        [ for name, error, corrupt in corruptions do
              testCase name (fun () ->
                  let device = withCommittedLog entries corrupt
                  let before = device.CurrentImage()
                  redoLogError (fun () -> PmemRedoLog.Recover(device, region) |> ignore) =! error
                  device.CurrentImage() =! before

                  // Through the F# layer: a typed error, nothing applied, a sentence that says what to do.
                  match Durable.recoverWith region device with
                  | Error (PmemError.RedoLog (e, _) as pe) ->
                      e =! error
                      Expect.stringContains (PmemError.describe pe) "none of it was applied" "describe"
                  | other -> failtestf "expected RedoLog %A, got %A" error other

                  device.CurrentImage() =! before) ]

let private protocolTests =
    testList
        "protocol under crashes"
        [ testCase "no crash during a first commit leaves a log that recovery calls corrupt" (fun () ->
              // The header's magic is stored after the rest of its line: a crash cannot leave the magic without the
              // version, which recovery would report as UnsupportedVersion.
              let device = PmemSimulator(size)
              PmemRedoLog.Commit(device, region, writes entries)
              let mutable images = 0

              for crash in device.CrashImages(CrashEngine.Full, 100_000) do
                  images <- images + 1
                  let after = PmemSimulator(ReadOnlySpan crash.Image)
                  let outcome = PmemRedoLog.Recover(after, region)
                  let d = data (after.CurrentImage())
                  Expect.isTrue (d = data (device.InitialImage()) || d = data (device.CurrentImage())) $"old or new after {crash} ({outcome})"

              Expect.isGreaterThan images 100 "the crash images of a commit were enumerated")

          testCase "a commit's events: entries and header, drain, commit mark, apply, drain, clear" (fun () ->
              let device = PmemSimulator(size)
              PmemRedoLog.Commit(device, region, writes [ 8L, bytes 8 1uy ])

              let kinds =
                  [ for e in device.Events ->
                        match e with
                        | :? PmemEvent.Store as s when s.Offset >= region.Offset -> $"log store @{s.Offset - region.Offset}"
                        | :? PmemEvent.Store as s -> $"data store @{s.Offset}"
                        | :? PmemEvent.Flush -> "flush"
                        | :? PmemEvent.Fence -> "fence"
                        | e -> string e ]

              kinds
              =! [ "log store @64"; "flush"; "log store @8"; "flush"; "log store @0"; "flush"; "fence" // entries, header
                   "log store @40"; "flush"; "fence" // commit mark
                   "data store @8"; "flush"; "fence" // apply
                   "log store @40"; "flush"; "fence" ]) ] // clear

let private mappingTests =
    testList
        "on a mapping"
        [ testCase "commit and recovery work on a real mapping, and the log survives a remap" (fun () ->
              use dir = shmDir ()
              let path = dir.File "redo.pmem"

              do
                  use mapping = path |> Mapping.mapFile (MapOptions.create (int64 size))
                  PmemRedoLog.Commit(mapping, region, writes entries)

              use again = path |> Mapping.mapFile MapOptions.existing
              let image = Mapping.read 0L (int64 size) again
              image[8..27] =! bytes 20 0xAAuy
              image[100..107] =! bytes 8 0xBBuy
              BinaryPrimitives.ReadUInt64LittleEndian(ReadOnlySpan(image, int region.Offset, 8)) =! RedoLogLayout.Magic
              PmemRedoLog.Recover(again, region) =! RedoLogRecovery.Clean) ]

let tests = testList "RedoLog" [ commitTests; corruptionTests; protocolTests; mappingTests ]
