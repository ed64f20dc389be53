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
    | Map of error: PmemMapError * message: string

[<RequireQualifiedAccess>]
module PmemError =
    /// The core's advice names C# flags; F# code passes MapOptions instead.
    let private fsharpAdvice (message: string) =
        [ "pass PmemFileFlags.Create to create a file", "map it with MapOptions.openOrCreate and a length to create it"
          "(PmemFileFlags.Create)", "(MapOptions.openOrCreate)"
          "PmemFileFlags.TempFile needs PmemFileFlags.Create (and a length)", "MapOptions.temporary needs a length"
          "needs PmemFileFlags.Create", "needs MapOptions.openOrCreate (or createNew)"
          "with PmemFileFlags.Create", "with MapOptions.openOrCreate"
          "PmemFileFlags.Sparse", "MapOptions.sparse"
          "PmemFileFlags.TempFile", "MapOptions.temporary"
          "PmemFileFlags.Exclusive", "MapOptions.createNew"
          "PmemFileFlags.Create", "MapOptions.openOrCreate"
          "PmemProtection.ReadWrite", "MapOptions.existing (read-write)"
          "PmemProtection.Read", "MapOptions.readOnly"
          "PmemSharing.Private", "MapOptions.privateCopy" ]
        |> List.fold (fun (text: string) (csharp: string, fsharp) -> text.Replace(csharp, fsharp)) message

    let ofException (exn: PmemException) =
        let path = Option.ofObj exn.Path |> Option.defaultValue ""
        let message = fsharpAdvice exn.Message

        match exn with
        | :? RedoLogException as redo -> PmemError.RedoLog(redo.Error, redo.Message)
        | :? PmemMapException as map -> PmemError.Map(map.Error, message)
        | _ ->

        match exn.Kind with
        | PmemErrorKind.InvalidArgument -> PmemError.InvalidArgument message
        | PmemErrorKind.NotFound -> PmemError.NotFound path
        | PmemErrorKind.AlreadyExists -> PmemError.AlreadyExists path
        | PmemErrorKind.PermissionDenied -> PmemError.PermissionDenied path
        | PmemErrorKind.NoSpace -> PmemError.NoSpace(path, message)
        | _ -> PmemError.Io(exn.Errno, message)

    let internal ofRedoLogException (exn: RedoLogException) = PmemError.RedoLog(exn.Error, exn.Message)

    let describe error =
        match error with
        | PmemError.InvalidArgument message -> message
        | PmemError.NotFound path ->
            match Option.ofObj (System.IO.Path.GetDirectoryName path) with
            | Some directory when directory <> "" && not (System.IO.Directory.Exists directory) ->
                $"'{path}' cannot be opened or created: its directory '{directory}' does not exist; create the "
                + "directory first (Directory.CreateDirectory)."
            | _ -> $"'{path}' does not exist; map it with MapOptions.openOrCreate and a length to create it."
        | PmemError.AlreadyExists path ->
            $"'{path}' already exists and exclusive creation was asked for; remove it, or use MapOptions.openOrCreate "
            + "to map the existing file."
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
        | PmemError.Map (_, message) -> message
        | PmemError.RedoLog (RedoLogError.RegionTooSmall, message) -> message
        | PmemError.RedoLog (RedoLogError.RecoveryNeeded, message) ->
            message + " Call Durable.recover on the mapping at start-up, before the first atomic commit."
        | PmemError.RedoLog (RedoLogError.CommitUndecided, message) -> message
        | PmemError.RedoLog (_, message) ->
            message
            + " The redo log is corrupt, so none of it was applied; if it held a committed transaction, the data may "
            + "hold part of it. Restore from a backup, or zero the log region to discard the log."
