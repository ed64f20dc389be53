namespace Pmem.FSharp

open System
open Pmem

[<RequireQualifiedAccess>]
module Mapping =
    /// Open-or-create applies to a named file created on demand; a temporary or exclusive create has no existing file.
    let private keepsExisting (options: MapOptions) =
        options.Existing = ExistingFile.Keep
        && options.Flags.HasFlag PmemFileFlags.Create
        && not (options.Flags.HasFlag PmemFileFlags.TempFile)
        && not (options.Flags.HasFlag PmemFileFlags.Exclusive)

    /// Why options cannot be mapped through a source, or None.
    let private sourceProblem (options: MapOptions) =
        if options.Flags <> PmemFileFlags.None then
            Some(
                $"PmemFileFlags {options.Flags} cannot be combined with a source, an offset, readOnly, privateCopy or "
                + "requireGranularity: these map an existing file and never create or resize it; create it first "
                + "(MapOptions.openOrCreate), then map it."
            )
        else
            None

    let private pathAndSource =
        "The options carry a source (MapOptions.ofHandle, anonymous, ofSource) and a path was given too; map the source with Mapping.map, or drop it to map the path."

    let private mapSource (source: PmemSource) (options: MapOptions) =
        try
            match source.TryMap(MapOptions.toConfig options) with
            | true, mapping, _ -> Ok(nonNull mapping)
            | false, _, error -> Error(PmemError.ofException (nonNull error))
        with :? ObjectDisposedException as e ->
            Error(PmemError.Map(PmemMapError.InvalidFileHandle, $"The file handle was closed before mapping: {e.Message}"))

    let tryMap (options: MapOptions) =
        match options.Source, sourceProblem options with
        | None, _ ->
            Error(PmemError.InvalidArgument "Mapping.tryMap needs a source (MapOptions.ofHandle, MapOptions.anonymous, MapOptions.ofSource); to map a path use Mapping.tryMapFile.")
        | Some _, Some problem -> Error(PmemError.InvalidArgument problem)
        | Some source, None -> mapSource source options

    let map (options: MapOptions) =
        match options.Source, sourceProblem options with
        | None, _ -> invalidArg (nameof options) "Mapping.map needs a source (MapOptions.ofHandle, MapOptions.anonymous, MapOptions.ofSource); to map a path use Mapping.mapFile."
        | Some _, Some problem -> invalidArg (nameof options) problem
        | Some source, None -> source.Map(MapOptions.toConfig options)

    let tryMapFile (options: MapOptions) (path: string) =
        if options.UsesSource then
            match sourceProblem options, options.Source with
            | Some problem, _ -> Error(PmemError.InvalidArgument problem)
            | None, Some _ -> Error(PmemError.InvalidArgument pathAndSource)
            | None, None -> mapSource (PmemSource.FromPath path) options
        elif keepsExisting options then
            OpenOrCreate.map options path |> Result.mapError PmemError.ofException
        else
            match PmemFile.TryMap(path, options.Length, options.Flags, options.Mode) with
            | true, mapping, _ -> Ok(nonNull mapping)
            | false, _, error -> Error(PmemError.ofException (nonNull error))

    let mapFile (options: MapOptions) (path: string) =
        if options.UsesSource then
            match sourceProblem options, options.Source with
            | Some problem, _ -> invalidArg (nameof options) problem
            | None, Some _ -> invalidArg (nameof options) pathAndSource
            | None, None -> PmemSource.FromPath(path).Map(MapOptions.toConfig options)
        elif keepsExisting options then
            match OpenOrCreate.map options path with
            | Ok mapping -> mapping
            | Error e -> raise e
        else
            PmemFile.Map(path, options.Length, options.Flags, options.Mode)

    let isPmem (mapping: PmemMapping) = mapping.IsPmem

    let capabilities () = PmemCapabilities.Current

    let private outOfRange (mapping: PmemMapping) (offset: int64) (length: int64) =
        offset < 0L || length < 0L || offset > mapping.Length - length

    /// Checks the ranges as the core does, then runs the action, turning the exceptions the core documents for it
    /// (PmemException, ObjectDisposedException, ArgumentException for undefined flags) into errors.
    let private attemptRanges (mapping: PmemMapping) (ranges: (int64 * int64) list) (action: unit -> 'T) =
        match ranges |> List.tryFind (fun (offset, length) -> outOfRange mapping offset length) with
        | Some (offset, length) -> Error(PmemError.OutOfRange(offset, length, mapping.Length))
        | None ->
            try
                Ok(action ())
            with
            | :? PmemException as e -> Error(PmemError.ofException e)
            | :? ObjectDisposedException -> Error PmemError.Disposed
            | :? ArgumentOutOfRangeException -> reraise ()
            | :? ArgumentException as e -> Error(PmemError.InvalidArgument e.Message)

    let private attempt mapping offset length action = attemptRanges mapping [ offset, length ] action

    let persist offset length (mapping: PmemMapping) = mapping.Persist(offset, length)

    let tryPersist offset length (mapping: PmemMapping) =
        attempt mapping offset length (fun () -> mapping.Persist(offset, length))

    let flush offset length (mapping: PmemMapping) = mapping.Flush(offset, length)

    let tryFlush offset length (mapping: PmemMapping) =
        attempt mapping offset length (fun () -> mapping.Flush(offset, length))

    let drain (mapping: PmemMapping) = mapping.Drain()

    let tryDrain (mapping: PmemMapping) = attempt mapping 0L 0L mapping.Drain

    let msync offset length (mapping: PmemMapping) = mapping.Msync(offset, length)

    let tryMsync offset length (mapping: PmemMapping) =
        attempt mapping offset length (fun () -> mapping.Msync(offset, length))

    let deepPersist offset length (mapping: PmemMapping) = mapping.DeepPersist(offset, length)

    let tryDeepPersist offset length (mapping: PmemMapping) =
        attempt mapping offset length (fun () -> mapping.DeepPersist(offset, length))

    let copyMemory flags offset (source: ReadOnlyMemory<byte>) (mapping: PmemMapping) =
        mapping.Copy(offset, source.Span, flags)

    let copyWith flags offset (source: byte array) (mapping: PmemMapping) =
        mapping.Copy(offset, ReadOnlySpan source, flags)

    let copy offset (source: byte array) (mapping: PmemMapping) = copyWith PmemCopyFlags.None offset source mapping

    let tryCopyMemory flags offset (source: ReadOnlyMemory<byte>) (mapping: PmemMapping) =
        attempt mapping offset (int64 source.Length) (fun () -> mapping.Copy(offset, source.Span, flags))

    let tryCopyWith flags offset (source: byte array) (mapping: PmemMapping) =
        tryCopyMemory flags offset (ReadOnlyMemory source) mapping

    let tryCopy offset (source: byte array) (mapping: PmemMapping) =
        tryCopyWith PmemCopyFlags.None offset source mapping

    let moveWith flags destOffset srcOffset length (mapping: PmemMapping) =
        mapping.Move(destOffset, srcOffset, length, flags)

    let move destOffset srcOffset length (mapping: PmemMapping) =
        moveWith PmemCopyFlags.None destOffset srcOffset length mapping

    let tryMoveWith flags destOffset srcOffset length (mapping: PmemMapping) =
        attemptRanges mapping [ srcOffset, length; destOffset, length ] (fun () ->
            mapping.Move(destOffset, srcOffset, length, flags))

    let tryMove destOffset srcOffset length (mapping: PmemMapping) =
        tryMoveWith PmemCopyFlags.None destOffset srcOffset length mapping

    let fillWith flags offset value length (mapping: PmemMapping) =
        mapping.Fill(offset, value, length, flags)

    let fill offset value length (mapping: PmemMapping) =
        fillWith PmemCopyFlags.None offset value length mapping

    let tryFillWith flags offset value length (mapping: PmemMapping) =
        attempt mapping offset length (fun () -> mapping.Fill(offset, value, length, flags))

    let tryFill offset value length (mapping: PmemMapping) =
        tryFillWith PmemCopyFlags.None offset value length mapping

    let private readInto (offset: int64) (length: int64) (mapping: PmemMapping) =
        let bytes = Array.zeroCreate (int length)
        mapping.Read(offset, Span bytes)
        bytes

    let read offset (length: int64) (mapping: PmemMapping) =
        if length < 0L || length > int64 Array.MaxLength then
            raise (ArgumentOutOfRangeException(nameof length, length, "The length must lie in [0, Array.MaxLength]."))

        readInto offset length mapping

    let tryRead offset (length: int64) (mapping: PmemMapping) =
        if length > int64 Array.MaxLength then
            Error(PmemError.InvalidArgument $"A read of {length} bytes does not fit one array (Array.MaxLength).")
        else
            attempt mapping offset length (fun () -> readInto offset length mapping)
