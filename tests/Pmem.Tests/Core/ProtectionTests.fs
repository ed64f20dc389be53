/// Read-only (PMEM2_PROT_READ) and private copy-on-write (PMEM2_PRIVATE) mappings (issue 16, item 1), after PMDK's
/// pmem2_map_prot and pmem2_map sharing tests: a write mapping the file or handle does not allow is NoAccess and
/// leaves the file as it was; every store through Pmem's API into a read-only mapping is a typed error (the process
/// survives, nothing is stored); a private mapping's stores are seen in it only and never reach the file.
module Pmem.Tests.ProtectionTests

open System
open System.IO
open Expecto
open Pmem
open Pmem.FSharp
open Pmem.Tests.TestDsl
open Pmem.Tests.SourceMapTests

let private page = 4096L

let private readOnly = PmemMapConfig(Protection = PmemProtection.Read)
let private privateCopy = PmemMapConfig(Sharing = PmemSharing.Private)

let private readBack (m: PmemMapping) (offset: int64) (length: int) =
    let bytes = Array.zeroCreate<byte> length
    m.Read(offset, Span bytes)
    bytes

/// Makes <paramref name="path"/> impossible to open for writing for this process: mode 0444, and for root (which
/// ignores modes) the immutable attribute. Returns the undo, or None when that cannot be arranged (then the test skips).
let private forbidWriting (path: string) =
    File.SetUnixFileMode(path, UnixFileMode.UserRead ||| UnixFileMode.GroupRead ||| UnixFileMode.OtherRead)
    if Native.geteuid () <> 0u then
        Some ignore
    else
        match tryFindOnPath "chattr" with
        | None -> None
        | Some chattr ->
            let code, _ = run chattr [ "+i"; path ]
            if code <> 0 then None else Some(fun () -> run chattr [ "-i"; path ] |> ignore)

let private readOnlyTests =
    testList
        "read-only"
        [ testCase "a read-only handle: ReadWrite shared is NoAccess, Read maps it and reads the file" (fun () ->
              use dir = diskDir ()
              let path = dir.File "f"
              let bytes = pattern path (4L * page)
              let before = fileState path
              use handle = File.OpenHandle(path, FileMode.Open, FileAccess.Read)
              let source = PmemSource.FromHandle handle
              let e = refused PmemMapError.NoAccess (fun () -> source.Map() |> ignore)
              e.ErrnoName =! "EACCES"
              use m = source.Map readOnly
              m.Protection =! PmemProtection.Read
              readBack m 0L (int (4L * page)) =! bytes
              fileState path =! before)

          testCase "a file this process may not write (0444; immutable for root): ReadWrite is NoAccess, Read works" (fun () ->
              use dir = diskDir ()
              let path = dir.File "f"
              let bytes = pattern path (2L * page)
              match forbidWriting path with
              | None -> skip "running as root without chattr: cannot make a file unwritable for root"
              | Some undo ->
                  try
                      let before = fileState path
                      let source = PmemSource.FromPath path
                      refused PmemMapError.NoAccess (fun () -> source.Map() |> ignore) |> ignore
                      refused PmemMapError.NoAccess (fun () -> source.Map(PmemMapConfig(Offset = page)) |> ignore) |> ignore
                      do
                          use m = source.Map readOnly
                          readBack m page 16 =! bytes[int page .. int page + 15]
                      do
                          use p = source.Map privateCopy
                          p.Fill(0L, 0x55uy, 2L * page)
                          readBack p 0L 4 =! Array.create 4 0x55uy
                      fileState path =! before
                  finally
                      undo ())

          testCase "every store into a read-only mapping is ReadOnlyMapping (in a child process): nothing stored, it survives" (fun () ->
              use dir = diskDir ()
              let path = dir.File "f"
              pattern path (256L * page) |> ignore
              // Zeros where Durable.commitAtomic keeps its log (the end), so that it gets as far as its first store.
              do
                  use file = new FileStream(path, FileMode.Open)
                  file.Seek(-65536L, SeekOrigin.End) |> ignore
                  file.Write(Array.zeroCreate<byte> 65536)
              let before = fileState path
              LifetimeTests.runChild [] [ "read-only-stores"; path ] =! "ok"
              fileState path =! before)

          testCase "F#: a read-only refusal becomes PmemError.Map, and describe names the F# way to write" (fun () ->
              let e = PmemMapException(PmemMapError.ReadOnlyMapping, 13, "The mapping is read-only (PmemProtection.Read): nothing was stored. Map it with PmemProtection.ReadWrite to write.")
              match PmemError.ofException e with
              | PmemError.Map (PmemMapError.ReadOnlyMapping, message) as error ->
                  Expect.stringContains message "read-only" "message"
                  Expect.stringContains (PmemError.describe error) "MapOptions" "F# advice"
                  Expect.isFalse ((PmemError.describe error).Contains "PmemProtection.ReadWrite") "no C# advice"
              | other -> failtestf "expected Map ReadOnlyMapping, got %A" other) ]

let private privateTests =
    testList
        "private"
        [ testCase "a private mapping's stores are not seen by a shared mapping and never reach the file" (fun () ->
              use dir = diskDir ()
              let path = dir.File "f"
              let bytes = pattern path (4L * page)
              let source = PmemSource.FromPath path
              use shared = source.Map()
              let word1 = "Persistent or nonpersistent: that is the question."B
              shared.Copy(0L, ReadOnlySpan word1)
              do
                  use p = source.Map privateCopy
                  p.Sharing =! PmemSharing.Private
                  p.IsPmem =! false
                  p.Granularity =! PmemGranularity.Byte
                  Expect.stringContains p.GranularityReason "private" "reason"
                  let word2 = "Nonpersistent: that is the answer."B
                  p.Copy(0L, ReadOnlySpan word2)
                  p.Fill(page, 0xAAuy, page)
                  p.Persist(0L, 4L * page)
                  p.Msync(0L, 4L * page)
                  match Durable.commit p (Durable.writeInt64 (3L * page) 7L) with
                  | Ok() -> ()
                  | Error e -> failtestf "commit on a private mapping: %A" e
                  readBack p 0L word2.Length =! word2
                  readBack p page 4 =! Array.create 4 0xAAuy
                  readBack shared 0L word1.Length =! word1
                  readBack shared page 4 =! bytes[int page .. int page + 3]
              let expected = Array.copy bytes
              Array.blit word1 0 expected 0 word1.Length
              File.ReadAllBytes path =! expected)

          testCase "a private mapping of a read-only handle is writable (copy-on-write); the file is unchanged" (fun () ->
              use dir = diskDir ()
              let path = dir.File "f"
              let bytes = pattern path (2L * page)
              let before = fileState path
              do
                  use handle = File.OpenHandle(path, FileMode.Open, FileAccess.Read)
                  use p = PmemSource.FromHandle(handle).Map(PmemMapConfig(Sharing = PmemSharing.Private, Offset = page))
                  p.Copy(0L, ReadOnlySpan [| 1uy; 2uy; 3uy |])
                  readBack p 0L 4 =! [| 1uy; 2uy; 3uy; bytes[int page + 3] |]
              fileState path =! before) ]

let tests = testList "Protection and sharing" [ readOnlyTests; privateTests ]
