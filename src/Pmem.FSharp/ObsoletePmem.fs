namespace Pmem.FSharp

open System
open Pmem

// Each member forwards to Mapping; the class exists only so that old code compiles (see ObsoletePmem.fsi).
[<AbstractClass; Sealed>]
type Pmem =
    [<Obsolete("Pmem.tryMapFile is now Mapping.tryMapFile (the module Pmem hid the namespace Pmem).")>]
    static member tryMapFile options path = Mapping.tryMapFile options path

    [<Obsolete("Pmem.mapFile is now Mapping.mapFile (the module Pmem hid the namespace Pmem).")>]
    static member mapFile options path = Mapping.mapFile options path

    [<Obsolete("Pmem.tryMap is now Mapping.tryMap (the module Pmem hid the namespace Pmem).")>]
    static member tryMap options = Mapping.tryMap options

    [<Obsolete("Pmem.map is now Mapping.map (the module Pmem hid the namespace Pmem).")>]
    static member map options = Mapping.map options

    [<Obsolete("Pmem.isPmem is now Mapping.isPmem (the module Pmem hid the namespace Pmem).")>]
    static member isPmem mapping = Mapping.isPmem mapping

    [<Obsolete("Pmem.capabilities is now Mapping.capabilities (the module Pmem hid the namespace Pmem).")>]
    static member capabilities() = Mapping.capabilities ()

    [<Obsolete("Pmem.persist is now Mapping.persist (the module Pmem hid the namespace Pmem).")>]
    static member persist offset length mapping = Mapping.persist offset length mapping

    [<Obsolete("Pmem.tryPersist is now Mapping.tryPersist (the module Pmem hid the namespace Pmem).")>]
    static member tryPersist offset length mapping = Mapping.tryPersist offset length mapping

    [<Obsolete("Pmem.flush is now Mapping.flush (the module Pmem hid the namespace Pmem).")>]
    static member flush offset length mapping = Mapping.flush offset length mapping

    [<Obsolete("Pmem.tryFlush is now Mapping.tryFlush (the module Pmem hid the namespace Pmem).")>]
    static member tryFlush offset length mapping = Mapping.tryFlush offset length mapping

    [<Obsolete("Pmem.drain is now Mapping.drain (the module Pmem hid the namespace Pmem).")>]
    static member drain mapping = Mapping.drain mapping

    [<Obsolete("Pmem.tryDrain is now Mapping.tryDrain (the module Pmem hid the namespace Pmem).")>]
    static member tryDrain mapping = Mapping.tryDrain mapping

    [<Obsolete("Pmem.msync is now Mapping.msync (the module Pmem hid the namespace Pmem).")>]
    static member msync offset length mapping = Mapping.msync offset length mapping

    [<Obsolete("Pmem.tryMsync is now Mapping.tryMsync (the module Pmem hid the namespace Pmem).")>]
    static member tryMsync offset length mapping = Mapping.tryMsync offset length mapping

    [<Obsolete("Pmem.deepPersist is now Mapping.deepPersist (the module Pmem hid the namespace Pmem).")>]
    static member deepPersist offset length mapping = Mapping.deepPersist offset length mapping

    [<Obsolete("Pmem.tryDeepPersist is now Mapping.tryDeepPersist (the module Pmem hid the namespace Pmem).")>]
    static member tryDeepPersist offset length mapping = Mapping.tryDeepPersist offset length mapping

    [<Obsolete("Pmem.copy is now Mapping.copy (the module Pmem hid the namespace Pmem).")>]
    static member copy offset source mapping = Mapping.copy offset source mapping

    [<Obsolete("Pmem.copyWith is now Mapping.copyWith (the module Pmem hid the namespace Pmem).")>]
    static member copyWith flags offset source mapping = Mapping.copyWith flags offset source mapping

    [<Obsolete("Pmem.copyMemory is now Mapping.copyMemory (the module Pmem hid the namespace Pmem).")>]
    static member copyMemory flags offset source mapping = Mapping.copyMemory flags offset source mapping

    [<Obsolete("Pmem.tryCopy is now Mapping.tryCopy (the module Pmem hid the namespace Pmem).")>]
    static member tryCopy offset source mapping = Mapping.tryCopy offset source mapping

    [<Obsolete("Pmem.tryCopyWith is now Mapping.tryCopyWith (the module Pmem hid the namespace Pmem).")>]
    static member tryCopyWith flags offset source mapping = Mapping.tryCopyWith flags offset source mapping

    [<Obsolete("Pmem.tryCopyMemory is now Mapping.tryCopyMemory (the module Pmem hid the namespace Pmem).")>]
    static member tryCopyMemory flags offset source mapping = Mapping.tryCopyMemory flags offset source mapping

    [<Obsolete("Pmem.move is now Mapping.move (the module Pmem hid the namespace Pmem).")>]
    static member move destOffset srcOffset length mapping = Mapping.move destOffset srcOffset length mapping

    [<Obsolete("Pmem.moveWith is now Mapping.moveWith (the module Pmem hid the namespace Pmem).")>]
    static member moveWith flags destOffset srcOffset length mapping = Mapping.moveWith flags destOffset srcOffset length mapping

    [<Obsolete("Pmem.tryMove is now Mapping.tryMove (the module Pmem hid the namespace Pmem).")>]
    static member tryMove destOffset srcOffset length mapping = Mapping.tryMove destOffset srcOffset length mapping

    [<Obsolete("Pmem.tryMoveWith is now Mapping.tryMoveWith (the module Pmem hid the namespace Pmem).")>]
    static member tryMoveWith flags destOffset srcOffset length mapping = Mapping.tryMoveWith flags destOffset srcOffset length mapping

    [<Obsolete("Pmem.fill is now Mapping.fill (the module Pmem hid the namespace Pmem).")>]
    static member fill offset value length mapping = Mapping.fill offset value length mapping

    [<Obsolete("Pmem.fillWith is now Mapping.fillWith (the module Pmem hid the namespace Pmem).")>]
    static member fillWith flags offset value length mapping = Mapping.fillWith flags offset value length mapping

    [<Obsolete("Pmem.tryFill is now Mapping.tryFill (the module Pmem hid the namespace Pmem).")>]
    static member tryFill offset value length mapping = Mapping.tryFill offset value length mapping

    [<Obsolete("Pmem.tryFillWith is now Mapping.tryFillWith (the module Pmem hid the namespace Pmem).")>]
    static member tryFillWith flags offset value length mapping = Mapping.tryFillWith flags offset value length mapping

    [<Obsolete("Pmem.read is now Mapping.read (the module Pmem hid the namespace Pmem).")>]
    static member read offset length mapping = Mapping.read offset length mapping

    [<Obsolete("Pmem.tryRead is now Mapping.tryRead (the module Pmem hid the namespace Pmem).")>]
    static member tryRead offset length mapping = Mapping.tryRead offset length mapping
