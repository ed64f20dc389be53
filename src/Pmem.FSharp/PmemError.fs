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

[<RequireQualifiedAccess>]
module PmemError =
    let ofException (exn: PmemException) =
        let path = Option.ofObj exn.Path |> Option.defaultValue ""

        match exn.Errno with
        | 22 -> PmemError.InvalidArgument exn.Message
        | 2 -> PmemError.NotFound path
        | 17 -> PmemError.AlreadyExists path
        | 1
        | 13
        | 30 -> PmemError.PermissionDenied path
        | 27
        | 28
        | 122 -> PmemError.NoSpace(path, exn.Message)
        | errno -> PmemError.Io(errno, exn.Message)

    let describe error =
        match error with
        | PmemError.InvalidArgument message -> message
        | PmemError.NotFound path -> $"'{path}' does not exist; create it with the Create flag and a length."
        | PmemError.AlreadyExists path -> $"'{path}' already exists and exclusive creation was asked for; remove it or drop Exclusive."
        | PmemError.PermissionDenied path ->
            $"Permission denied for '{path}': mapping needs read and write access (and write access to the directory to create a file)."
        | PmemError.NoSpace (_, message) -> message
        | PmemError.Io (_, message) -> message
