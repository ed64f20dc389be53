namespace Pmem.FSharp

open System
open Pmem

/// The module of mapping functions under its former name, kept so that code written as <c>Pmem.mapFile …</c> still
/// compiles (each use warns with the new name). A class, not a module: the former module <c>Pmem</c> hid the namespace
/// <c>Pmem</c> (<c>open Pmem</c> after <c>open Pmem.FSharp</c> failed), while <c>open</c> never resolves to a class, so
/// this name hides nothing. Each member is the function of the same name in <c>Mapping</c>, with its durability.
[<AbstractClass; Sealed>]
type Pmem =
    /// <c>Mapping.tryMapFile</c> under its former name: the same call, durable as that one is.
    [<Obsolete("Pmem.tryMapFile is now Mapping.tryMapFile (the module Pmem hid the namespace Pmem).")>]
    static member tryMapFile: options: MapOptions -> path: string -> Result<PmemMapping, PmemError>
    /// <c>Mapping.mapFile</c> under its former name: the same call, durable as that one is.
    [<Obsolete("Pmem.mapFile is now Mapping.mapFile (the module Pmem hid the namespace Pmem).")>]
    static member mapFile: options: MapOptions -> path: string -> PmemMapping
    /// <c>Mapping.tryMap</c> under its former name: the same call, durable as that one is.
    [<Obsolete("Pmem.tryMap is now Mapping.tryMap (the module Pmem hid the namespace Pmem).")>]
    static member tryMap: options: MapOptions -> Result<PmemMapping, PmemError>
    /// <c>Mapping.map</c> under its former name: the same call, durable as that one is.
    [<Obsolete("Pmem.map is now Mapping.map (the module Pmem hid the namespace Pmem).")>]
    static member map: options: MapOptions -> PmemMapping
    /// <c>Mapping.isPmem</c> under its former name: the same call, durable as that one is.
    [<Obsolete("Pmem.isPmem is now Mapping.isPmem (the module Pmem hid the namespace Pmem).")>]
    static member isPmem: mapping: PmemMapping -> bool
    /// <c>Mapping.capabilities</c> under its former name: the same call, durable as that one is.
    [<Obsolete("Pmem.capabilities is now Mapping.capabilities (the module Pmem hid the namespace Pmem).")>]
    static member capabilities: unit -> PmemCapabilities
    /// <c>Mapping.persist</c> under its former name: the same call, durable as that one is.
    [<Obsolete("Pmem.persist is now Mapping.persist (the module Pmem hid the namespace Pmem).")>]
    static member persist: offset: int64 -> length: int64 -> mapping: PmemMapping -> unit
    /// <c>Mapping.tryPersist</c> under its former name: the same call, durable as that one is.
    [<Obsolete("Pmem.tryPersist is now Mapping.tryPersist (the module Pmem hid the namespace Pmem).")>]
    static member tryPersist: offset: int64 -> length: int64 -> mapping: PmemMapping -> Result<unit, PmemError>
    /// <c>Mapping.flush</c> under its former name: the same call, durable as that one is.
    [<Obsolete("Pmem.flush is now Mapping.flush (the module Pmem hid the namespace Pmem).")>]
    static member flush: offset: int64 -> length: int64 -> mapping: PmemMapping -> unit
    /// <c>Mapping.tryFlush</c> under its former name: the same call, durable as that one is.
    [<Obsolete("Pmem.tryFlush is now Mapping.tryFlush (the module Pmem hid the namespace Pmem).")>]
    static member tryFlush: offset: int64 -> length: int64 -> mapping: PmemMapping -> Result<unit, PmemError>
    /// <c>Mapping.drain</c> under its former name: the same call, durable as that one is.
    [<Obsolete("Pmem.drain is now Mapping.drain (the module Pmem hid the namespace Pmem).")>]
    static member drain: mapping: PmemMapping -> unit
    /// <c>Mapping.tryDrain</c> under its former name: the same call, durable as that one is.
    [<Obsolete("Pmem.tryDrain is now Mapping.tryDrain (the module Pmem hid the namespace Pmem).")>]
    static member tryDrain: mapping: PmemMapping -> Result<unit, PmemError>
    /// <c>Mapping.msync</c> under its former name: the same call, durable as that one is.
    [<Obsolete("Pmem.msync is now Mapping.msync (the module Pmem hid the namespace Pmem).")>]
    static member msync: offset: int64 -> length: int64 -> mapping: PmemMapping -> unit
    /// <c>Mapping.tryMsync</c> under its former name: the same call, durable as that one is.
    [<Obsolete("Pmem.tryMsync is now Mapping.tryMsync (the module Pmem hid the namespace Pmem).")>]
    static member tryMsync: offset: int64 -> length: int64 -> mapping: PmemMapping -> Result<unit, PmemError>
    /// <c>Mapping.deepPersist</c> under its former name: the same call, durable as that one is.
    [<Obsolete("Pmem.deepPersist is now Mapping.deepPersist (the module Pmem hid the namespace Pmem).")>]
    static member deepPersist: offset: int64 -> length: int64 -> mapping: PmemMapping -> unit
    /// <c>Mapping.tryDeepPersist</c> under its former name: the same call, durable as that one is.
    [<Obsolete("Pmem.tryDeepPersist is now Mapping.tryDeepPersist (the module Pmem hid the namespace Pmem).")>]
    static member tryDeepPersist: offset: int64 -> length: int64 -> mapping: PmemMapping -> Result<unit, PmemError>
    /// <c>Mapping.copy</c> under its former name: the same call, durable as that one is.
    [<Obsolete("Pmem.copy is now Mapping.copy (the module Pmem hid the namespace Pmem).")>]
    static member copy: offset: int64 -> source: byte array -> mapping: PmemMapping -> unit
    /// <c>Mapping.copyWith</c> under its former name: the same call, durable as that one is.
    [<Obsolete("Pmem.copyWith is now Mapping.copyWith (the module Pmem hid the namespace Pmem).")>]
    static member copyWith: flags: PmemCopyFlags -> offset: int64 -> source: byte array -> mapping: PmemMapping -> unit
    /// <c>Mapping.copyMemory</c> under its former name: the same call, durable as that one is.
    [<Obsolete("Pmem.copyMemory is now Mapping.copyMemory (the module Pmem hid the namespace Pmem).")>]
    static member copyMemory: flags: PmemCopyFlags -> offset: int64 -> source: ReadOnlyMemory<byte> -> mapping: PmemMapping -> unit
    /// <c>Mapping.tryCopy</c> under its former name: the same call, durable as that one is.
    [<Obsolete("Pmem.tryCopy is now Mapping.tryCopy (the module Pmem hid the namespace Pmem).")>]
    static member tryCopy: offset: int64 -> source: byte array -> mapping: PmemMapping -> Result<unit, PmemError>
    /// <c>Mapping.tryCopyWith</c> under its former name: the same call, durable as that one is.
    [<Obsolete("Pmem.tryCopyWith is now Mapping.tryCopyWith (the module Pmem hid the namespace Pmem).")>]
    static member tryCopyWith: flags: PmemCopyFlags -> offset: int64 -> source: byte array -> mapping: PmemMapping -> Result<unit, PmemError>
    /// <c>Mapping.tryCopyMemory</c> under its former name: the same call, durable as that one is.
    [<Obsolete("Pmem.tryCopyMemory is now Mapping.tryCopyMemory (the module Pmem hid the namespace Pmem).")>]
    static member tryCopyMemory: flags: PmemCopyFlags -> offset: int64 -> source: ReadOnlyMemory<byte> -> mapping: PmemMapping -> Result<unit, PmemError>
    /// <c>Mapping.move</c> under its former name: the same call, durable as that one is.
    [<Obsolete("Pmem.move is now Mapping.move (the module Pmem hid the namespace Pmem).")>]
    static member move: destOffset: int64 -> srcOffset: int64 -> length: int64 -> mapping: PmemMapping -> unit
    /// <c>Mapping.moveWith</c> under its former name: the same call, durable as that one is.
    [<Obsolete("Pmem.moveWith is now Mapping.moveWith (the module Pmem hid the namespace Pmem).")>]
    static member moveWith: flags: PmemCopyFlags -> destOffset: int64 -> srcOffset: int64 -> length: int64 -> mapping: PmemMapping -> unit
    /// <c>Mapping.tryMove</c> under its former name: the same call, durable as that one is.
    [<Obsolete("Pmem.tryMove is now Mapping.tryMove (the module Pmem hid the namespace Pmem).")>]
    static member tryMove: destOffset: int64 -> srcOffset: int64 -> length: int64 -> mapping: PmemMapping -> Result<unit, PmemError>
    /// <c>Mapping.tryMoveWith</c> under its former name: the same call, durable as that one is.
    [<Obsolete("Pmem.tryMoveWith is now Mapping.tryMoveWith (the module Pmem hid the namespace Pmem).")>]
    static member tryMoveWith: flags: PmemCopyFlags -> destOffset: int64 -> srcOffset: int64 -> length: int64 -> mapping: PmemMapping -> Result<unit, PmemError>
    /// <c>Mapping.fill</c> under its former name: the same call, durable as that one is.
    [<Obsolete("Pmem.fill is now Mapping.fill (the module Pmem hid the namespace Pmem).")>]
    static member fill: offset: int64 -> value: byte -> length: int64 -> mapping: PmemMapping -> unit
    /// <c>Mapping.fillWith</c> under its former name: the same call, durable as that one is.
    [<Obsolete("Pmem.fillWith is now Mapping.fillWith (the module Pmem hid the namespace Pmem).")>]
    static member fillWith: flags: PmemCopyFlags -> offset: int64 -> value: byte -> length: int64 -> mapping: PmemMapping -> unit
    /// <c>Mapping.tryFill</c> under its former name: the same call, durable as that one is.
    [<Obsolete("Pmem.tryFill is now Mapping.tryFill (the module Pmem hid the namespace Pmem).")>]
    static member tryFill: offset: int64 -> value: byte -> length: int64 -> mapping: PmemMapping -> Result<unit, PmemError>
    /// <c>Mapping.tryFillWith</c> under its former name: the same call, durable as that one is.
    [<Obsolete("Pmem.tryFillWith is now Mapping.tryFillWith (the module Pmem hid the namespace Pmem).")>]
    static member tryFillWith: flags: PmemCopyFlags -> offset: int64 -> value: byte -> length: int64 -> mapping: PmemMapping -> Result<unit, PmemError>
    /// <c>Mapping.read</c> under its former name: the same call, durable as that one is.
    [<Obsolete("Pmem.read is now Mapping.read (the module Pmem hid the namespace Pmem).")>]
    static member read: offset: int64 -> length: int64 -> mapping: PmemMapping -> byte array
    /// <c>Mapping.tryRead</c> under its former name: the same call, durable as that one is.
    [<Obsolete("Pmem.tryRead is now Mapping.tryRead (the module Pmem hid the namespace Pmem).")>]
    static member tryRead: offset: int64 -> length: int64 -> mapping: PmemMapping -> Result<byte array, PmemError>
