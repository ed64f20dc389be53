namespace Pmem.FSharp

open System
open Pmem

[<RequireQualifiedAccess>]
module Pmem =
    let tryMapFile (options: MapOptions) (path: string) =
        match PmemFile.TryMap(path, options.Length, options.Flags, options.Mode) with
        | true, mapping, _ -> Ok(nonNull mapping)
        | false, _, error -> Error(PmemError.ofException (nonNull error))

    let mapFile (options: MapOptions) (path: string) =
        PmemFile.Map(path, options.Length, options.Flags, options.Mode)

    let isPmem (mapping: PmemMapping) = mapping.IsPmem

    let capabilities () = PmemCapabilities.Current

    /// Checks the range as the core does, then runs the action, turning the exceptions the core documents for it
    /// (PmemException, ObjectDisposedException) into errors.
    let private attempt (mapping: PmemMapping) offset length (action: unit -> 'T) =
        if offset < 0L || length < 0L || offset > mapping.Length - length then
            Error(PmemError.OutOfRange(offset, length, mapping.Length))
        else
            try
                Ok(action ())
            with
            | :? PmemException as e -> Error(PmemError.ofException e)
            | :? ObjectDisposedException -> Error PmemError.Disposed

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

    let copy offset (source: byte array) (mapping: PmemMapping) =
        mapping.Copy(offset, ReadOnlySpan source, PmemCopyFlags.None)

    let copyWith flags offset (source: ReadOnlyMemory<byte>) (mapping: PmemMapping) =
        mapping.Copy(offset, source.Span, flags)

    let tryCopy offset (source: byte array) (mapping: PmemMapping) =
        attempt mapping offset source.LongLength (fun () -> mapping.Copy(offset, ReadOnlySpan source, PmemCopyFlags.None))

    let fill offset length value (mapping: PmemMapping) =
        mapping.Fill(offset, value, length, PmemCopyFlags.None)

    let tryFill offset length value (mapping: PmemMapping) =
        attempt mapping offset length (fun () -> mapping.Fill(offset, value, length, PmemCopyFlags.None))

    let read offset (length: int) (mapping: PmemMapping) =
        if length < 0 then
            raise (ArgumentOutOfRangeException(nameof length, length, "The length must not be negative."))

        let bytes = Array.zeroCreate length
        mapping.Read(offset, Span bytes)
        bytes

    let tryRead offset (length: int) (mapping: PmemMapping) =
        attempt mapping offset (int64 length) (fun () ->
            let bytes = Array.zeroCreate length
            mapping.Read(offset, Span bytes)
            bytes)
