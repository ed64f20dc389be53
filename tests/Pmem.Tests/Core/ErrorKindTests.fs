/// The one errno table (C name, kind, advice), PmemException.Kind, the F# face's mapping from it, and the file-type
/// classification that refuses what Pmem cannot map.
module Pmem.Tests.ErrorKindTests

open System.IO
open System.Reflection
open Expecto
open Pmem
open Pmem.FSharp

/// Every errno constant Pmem declares (Interop.Errno), as (C name, value).
let private declared =
    typeof<Interop.Errno>.GetFields(BindingFlags.Static ||| BindingFlags.NonPublic ||| BindingFlags.Public)
    |> Array.filter (fun f -> f.IsLiteral)
    |> Array.map (fun f -> f.Name, f.GetValue null :?> int)
    |> Array.toList

/// The kinds the table must give (the classes PmemError has a case for).
let private expectedKinds =
    [ Interop.Errno.EINVAL, PmemErrorKind.InvalidArgument
      Interop.Errno.ENOENT, PmemErrorKind.NotFound
      Interop.Errno.EEXIST, PmemErrorKind.AlreadyExists
      Interop.Errno.EPERM, PmemErrorKind.PermissionDenied
      Interop.Errno.EACCES, PmemErrorKind.PermissionDenied
      Interop.Errno.EROFS, PmemErrorKind.PermissionDenied
      Interop.Errno.ENOSPC, PmemErrorKind.NoSpace
      Interop.Errno.EDQUOT, PmemErrorKind.NoSpace
      Interop.Errno.EFBIG, PmemErrorKind.NoSpace
      Interop.Errno.EIO, PmemErrorKind.Other
      Interop.Errno.EBUSY, PmemErrorKind.Other
      4095, PmemErrorKind.Other ]

let private tableTests =
    testList
        "errno table"
        [ test "every declared errno constant has its C name in the table" {
              for name, value in declared do
                  // ENOTSUP is EOPNOTSUPP on Linux: the table names the value once.
                  let expected = if name = "ENOTSUP" then "EOPNOTSUPP" else name
                  Expect.equal (ErrnoTable.Name value) expected $"the name of {name} ({value})"
          }

          test "a value the table does not hold is named by its number and has no advice" {
              Expect.equal (ErrnoTable.Name 4095) "errno 4095" "the name"
              Expect.equal (ErrnoTable.Hint 4095) "" "the advice"
          }

          test "PmemException.Kind classifies by errno" {
              for errno, kind in expectedKinds do
                  let e = PmemException(errno, "m", "p")
                  Expect.equal e.Kind kind $"the kind of {e.ErrnoName}"
          }

          test "a failure's message carries the table's advice" {
              let e = ThrowHelper.CreateForErrno(Interop.Errno.EEXIST, "open", "p")
              Expect.stringContains e.Message "(EEXIST)" "the C name"
              Expect.stringContains e.Message (ErrnoTable.Hint Interop.Errno.EEXIST) "the advice"
              Expect.isNonEmpty (ErrnoTable.Hint Interop.Errno.EEXIST) "EEXIST has advice"
          }

          test "the F# face maps from the kind" {
              for errno, kind in expectedKinds do
                  let mapped = PmemError.ofException (PmemException(errno, "m", "p"))

                  let matches =
                      match kind, mapped with
                      | PmemErrorKind.InvalidArgument, PmemError.InvalidArgument _
                      | PmemErrorKind.NotFound, PmemError.NotFound _
                      | PmemErrorKind.AlreadyExists, PmemError.AlreadyExists _
                      | PmemErrorKind.PermissionDenied, PmemError.PermissionDenied _
                      | PmemErrorKind.NoSpace, PmemError.NoSpace _ -> true
                      | PmemErrorKind.Other, PmemError.Io (e, _) -> e = errno
                      | _ -> false

                  Expect.isTrue matches $"errno {errno} ({kind}) became {mapped}"
          } ]

let private fileTargetTests =
    testList
        "file targets"
        [ test "a character device that is not device DAX is its own kind, not a missing file" {
              let struct (kind, _, _, errno) = FileTarget.Classify("/dev/null", "/sys")
              Expect.equal kind FileTargetKind.Unsupported "/dev/null"
              Expect.equal errno 0 "no errno: stat succeeded"
          }

          test "a missing path is Missing without an errno, a regular file Normal" {
              let missing = Path.Combine(Path.GetTempPath(), $"pmem-missing-{System.Guid.NewGuid():N}")
              let struct (kind, _, _, errno) = FileTarget.Classify(missing, "/sys")
              Expect.equal (kind, errno) (FileTargetKind.Missing, 0) "a missing path"
              let path = Path.GetTempFileName()

              try
                  let struct (kind, _, _, errno) = FileTarget.Classify(path, "/sys")
                  Expect.equal (kind, errno) (FileTargetKind.Normal, 0) "a regular file"
              finally
                  File.Delete path
          }

          test "mapping a character device that is not device DAX is refused as an invalid argument" {
              let e =
                  try
                      PmemFile.Map("/dev/null", 0L).Dispose()
                      failwith "mapping /dev/null succeeded"
                  with :? PmemException as e ->
                      e

              Expect.equal e.Kind PmemErrorKind.InvalidArgument "the kind"
              Expect.stringContains e.Message "neither a regular file nor a device-DAX device" "the message"
          } ]

let tests = testList "Errors" [ tableTests; fileTargetTests ]
