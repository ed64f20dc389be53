/// The exit codes of every pmem command: listed by `pmem --help` and in docs/getting-started.md.
module internal Pmem.Cli.ExitCode

open Pmem.FSharp

/// The command did what was asked.
[<Literal>]
let Ok = 0

/// A failure not covered by a more specific code: an I/O error, msync failing, a file Pmem cannot map.
[<Literal>]
let Failure = 1

/// The command line was wrong: unknown command or option, a missing or extra argument, an empty path, a directory
/// given where a file is expected (a source that is a directory, a destination ending in '/').
[<Literal>]
let BadArguments = 2

/// A file or directory named on the command line does not exist (ENOENT).
[<Literal>]
let NotFound = 3

/// The destination exists; pmem never overwrites a file (EEXIST).
[<Literal>]
let AlreadyExists = 4

/// The file system has no room for the file: disk full, quota or file-size limit (ENOSPC, EDQUOT, EFBIG).
[<Literal>]
let NoSpace = 5

/// Permission denied or a read-only file system (EACCES, EPERM, EROFS).
[<Literal>]
let PermissionDenied = 6

/// SIGINT (Ctrl-C) stopped the command; `pmem copy` removed its partial copy first (128 + 2, as shells report it).
[<Literal>]
let Interrupted = 130

/// SIGTERM stopped the command; `pmem copy` removed its partial copy first (128 + 15).
[<Literal>]
let Terminated = 143

/// The code for the signal that stopped a command.
let ofSignal (signal: System.Runtime.InteropServices.PosixSignal) =
    if signal = System.Runtime.InteropServices.PosixSignal.SIGINT then Interrupted else Terminated

/// Every code with a few words on it, in order: what `pmem --help` prints.
let all =
    [ Ok, "success"
      Failure, "other failure (I/O error, msync failed, the file cannot be mapped)"
      BadArguments, "bad arguments (unknown command or option, missing or extra argument, empty path, a directory given as a file)"
      NotFound, "a file or directory does not exist"
      AlreadyExists, "the destination already exists (pmem never overwrites)"
      NoSpace, "no space left (disk full, quota, file-size limit)"
      PermissionDenied, "permission denied or read-only file system"
      Interrupted, "interrupted by SIGINT (pmem copy removes its partial copy first)"
      Terminated, "terminated by SIGTERM (pmem copy removes its partial copy first)" ]

/// The code for an error the core reported.
let ofError (error: PmemError) =
    match error with
    | PmemError.NotFound _ -> NotFound
    | PmemError.AlreadyExists _ -> AlreadyExists
    | PmemError.NoSpace _ -> NoSpace
    | PmemError.PermissionDenied _
    | PmemError.Map (Pmem.PmemMapError.NoAccess, _) -> PermissionDenied
    | PmemError.Map _
    | PmemError.InvalidArgument _
    | PmemError.Io _
    | PmemError.Disposed
    | PmemError.OutOfRange _
    | PmemError.RedoLog _ -> Failure

/// One line for the user about an error the core reported for <paramref name="path"/>.
let describe (path: string) (error: PmemError) =
    match error with
    | PmemError.NotFound _ -> $"{path}: no such file or directory"
    | PmemError.AlreadyExists _ -> $"{path} already exists; pmem does not overwrite files"
    | PmemError.PermissionDenied _ -> $"{path}: permission denied (or the file system is read-only)"
    | PmemError.NoSpace (_, message) -> $"no space for {path}: {message}"
    | other -> PmemError.describe other
