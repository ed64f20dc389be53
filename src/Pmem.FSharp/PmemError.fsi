namespace Pmem.FSharp

/// Every failure the Pmem core can report, as a value. Records of this type print readably with <c>%A</c>.
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
    /// Another system error: the Linux errno and the core's message (which names the operation and the path).
    | Io of errno: int * message: string
    /// The mapping was disposed (unmapped) before the call.
    | Disposed
    /// The range <c>[offset, offset + length)</c> does not lie within a mapping of <c>capacity</c> bytes.
    /// Nothing was written.
    | OutOfRange of offset: int64 * length: int64 * capacity: int64

/// Functions over PmemError.
[<RequireQualifiedAccess>]
module PmemError =
    /// Classifies a PmemException by its errno: EINVAL, ENOENT, EEXIST, EACCES/EPERM/EROFS and ENOSPC/EDQUOT/EFBIG
    /// get their own case, every other errno becomes <c>Io</c>.
    val ofException: exn: Pmem.PmemException -> PmemError

    /// One sentence saying what went wrong and what to do about it.
    /// <example><code lang="F#">
    /// match Pmem.tryMapFile MapOptions.existing "missing.pmem" with
    /// | Ok mapping -> use _ = mapping in ()
    /// | Error e -> eprintfn "%s" (PmemError.describe e)
    /// </code></example>
    val describe: error: PmemError -> string
