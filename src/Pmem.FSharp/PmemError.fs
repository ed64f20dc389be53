namespace Pmem.FSharp

open Pmem

[<RequireQualifiedAccess>]
type PmemError =
    | InvalidArgument of message: string
    | NotFound of path: string
    | AlreadyExists of path: string
    | PermissionDenied of path: string
    | NoSpace of path: string * message: string
    | Io of errno: int * message: string
    | Disposed
    | OutOfRange of offset: int64 * length: int64 * capacity: int64
    | RedoLog of error: RedoLogError * message: string

[<RequireQualifiedAccess>]
module PmemError =
    // Linux errno values (asm-generic/errno-base.h, errno.h).
    [<Literal>]
    let private EPERM = 1

    [<Literal>]
    let private ENOENT = 2

    [<Literal>]
    let private EACCES = 13

    [<Literal>]
    let private EEXIST = 17

    [<Literal>]
    let private EINVAL = 22

    [<Literal>]
    let private EFBIG = 27

    [<Literal>]
    let private ENOSPC = 28

    [<Literal>]
    let private EROFS = 30

    [<Literal>]
    let private EDQUOT = 122

    let ofException (exn: PmemException) =
        let path = Option.ofObj exn.Path |> Option.defaultValue ""

        match exn.Errno with
        | EINVAL -> PmemError.InvalidArgument exn.Message
        | ENOENT -> PmemError.NotFound path
        | EEXIST -> PmemError.AlreadyExists path
        | EPERM
        | EACCES
        | EROFS -> PmemError.PermissionDenied path
        | EFBIG
        | ENOSPC
        | EDQUOT -> PmemError.NoSpace(path, exn.Message)
        | errno -> PmemError.Io(errno, exn.Message)

    let internal ofRedoLogException (exn: RedoLogException) = PmemError.RedoLog(exn.Error, exn.Message)

    let describe error =
        match error with
        | PmemError.InvalidArgument message -> message
        | PmemError.NotFound path -> $"'{path}' does not exist; map it with MapOptions.create and a length to create it."
        | PmemError.AlreadyExists path ->
            $"'{path}' already exists and exclusive creation was asked for; remove it or use MapOptions.create."
        | PmemError.PermissionDenied path ->
            $"Permission denied for '{path}': mapping needs read and write access to the file "
            + "(and write access to the directory to create one) on a file system mounted read-write."
        | PmemError.NoSpace (_, message) -> message
        | PmemError.Io (_, message) -> message
        | PmemError.Disposed ->
            "The mapping was disposed (unmapped) before this call; keep it open until every operation on it has returned."
        | PmemError.OutOfRange (offset, length, capacity) ->
            $"The range [{offset}, {offset} + {length}) does not lie within the mapping of {capacity} bytes; "
            + "nothing was written. Check the offsets, or map a larger file."
        | PmemError.RedoLog (RedoLogError.RegionTooSmall, message) -> message
        | PmemError.RedoLog (RedoLogError.RecoveryNeeded, message) ->
            message + " Call Durable.recover on the mapping at start-up, before the first atomic commit."
        | PmemError.RedoLog (_, message) ->
            message
            + " The redo log is corrupt, so none of it was applied; if it held a committed transaction, the data may "
            + "hold part of it. Restore from a backup, or zero the log region to discard the log."
