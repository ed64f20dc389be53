namespace Pmem.FSharp

/// Every failure the Pmem core can report, as a value.
[<RequireQualifiedAccess>]
type PmemError =
    /// An argument was refused (libpmem's EINVAL): the message says which and why.
    | InvalidArgument of message: string
    /// The file or directory does not exist (ENOENT).
    | NotFound of path: string
    /// The file exists and exclusive creation was asked for (EEXIST).
    | AlreadyExists of path: string
    /// Permission denied (EACCES, EPERM) or a read-only file system (EROFS).
    | PermissionDenied of path: string
    /// The file system has no room for the length (ENOSPC, EDQUOT, EFBIG).
    | NoSpace of path: string * message: string
    /// Another system error: the Linux errno and the core's message.
    | Io of errno: int * message: string

/// Functions over PmemError.
[<RequireQualifiedAccess>]
module PmemError =
    /// Classifies a PmemException by its errno.
    val ofException: exn: Pmem.PmemException -> PmemError

    /// One sentence saying what went wrong and what to do about it.
    val describe: error: PmemError -> string
