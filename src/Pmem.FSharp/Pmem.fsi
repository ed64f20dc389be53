namespace Pmem.FSharp

open Pmem

/// Persistent-memory operations as functions, subject last for pipelines.
[<RequireQualifiedAccess>]
module Pmem =
    /// Maps a file as libpmem's pmem_map_file does; see PmemFile.Map. Nothing is made durable.
    val tryMapFile: path: string -> length: int64 -> flags: PmemFileFlags -> Result<PmemMapping, PmemError>

    /// Makes [offset, offset + length) durable before returning: flush and drain on pmem, msync otherwise.
    val persist: offset: int64 -> length: int64 -> mapping: PmemMapping -> unit
