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
    /// <summary>
    /// A redo log (Durable.commitAtomic, Durable.recover) could not be used: <c>error</c> says why, <c>message</c>
    /// gives the details. Nothing was applied. <c>RegionTooSmall</c> (the mapping or its log region cannot hold the
    /// transaction) and <c>RecoveryNeeded</c> (a committed transaction awaits <c>Durable.recover</c>) come from a
    /// commit, which then wrote nothing; <c>BadMagic</c>, <c>UnsupportedVersion</c>, <c>BadCommitMarker</c>,
    /// <c>LengthPastRegion</c>, <c>Truncated</c>, <c>BadChecksum</c> and <c>WriteOutOfRange</c> mean the log is
    /// corrupt: recovery refuses to apply any of it.
    /// </summary>
    | RedoLog of error: Pmem.RedoLogError * message: string
    /// <summary>
    /// A mapping was refused (libpmem2's <c>PMEM2_E_*</c>: an unaligned offset, a range past the end of the file, a
    /// protection the file or handle does not allow, a coarser store granularity than required, …), or a store into a
    /// read-only mapping was refused (<c>ReadOnlyMapping</c>). Nothing was mapped, changed or stored.
    /// </summary>
    | Map of error: Pmem.PmemMapError * message: string

/// Functions over PmemError.
[<RequireQualifiedAccess>]
module PmemError =
    /// Classifies a PmemException: a RedoLogException (a PmemException too) becomes <c>RedoLog</c>, a PmemMapException
    /// <c>Map</c>; otherwise by its
    /// <c>Kind</c> (the core's errno table): InvalidArgument (EINVAL), NotFound (ENOENT), AlreadyExists (EEXIST),
    /// PermissionDenied (EACCES/EPERM/EROFS) and NoSpace (ENOSPC/EDQUOT/EFBIG) get their own case, every other errno
    /// becomes <c>Io</c>. Advice in the core's message that names C# flags (<c>PmemFileFlags.Sparse</c>, …) names
    /// the F# equivalent instead (<c>MapOptions.sparse</c>, …).
    val ofException: exn: Pmem.PmemException -> PmemError

    /// The RedoLog case for a RedoLogException.
    val internal ofRedoLogException: exn: Pmem.RedoLogException -> PmemError

    /// One sentence saying what went wrong and what to do about it.
    /// <example><code lang="F#">
    /// match Mapping.tryMapFile MapOptions.existing "missing.pmem" with
    /// | Ok mapping -> use _ = mapping in ()
    /// | Error e -> eprintfn "%s" (PmemError.describe e)
    /// </code></example>
    val describe: error: PmemError -> string
