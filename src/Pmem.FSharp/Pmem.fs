namespace Pmem.FSharp

open Pmem

[<RequireQualifiedAccess>]
module Pmem =
    let tryMapFile path length flags =
        match PmemFile.TryMap(path, length, flags, PmemFile.DefaultMode) with
        | true, mapping, _ -> Ok(nonNull mapping)
        | false, _, error -> Error(PmemError.ofException (nonNull error))

    let persist offset length (mapping: PmemMapping) = mapping.Persist(offset, length)
