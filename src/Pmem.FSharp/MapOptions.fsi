namespace Pmem.FSharp

open System.IO
open Pmem

/// What mapping with <c>PmemFileFlags.Create</c> does to a file that already exists.
[<RequireQualifiedAccess>]
type ExistingFile =
    /// Sets its length to exactly <c>Length</c>, truncating a longer file: libpmem's pmem_map_file
    /// (<c>MapOptions.createOrResize</c>).
    | Resize
    /// Never shrinks it: a file at least <c>Length</c> bytes long is mapped whole as it is, a shorter one is extended
    /// to <c>Length</c> (<c>MapOptions.openOrCreate</c>).
    | Keep

/// How Mapping.mapFile maps a path (libpmem's pmem_map_file arguments), or Mapping.map a source (libpmem2's pmem2_config:
/// offset, length, protection, sharing, required granularity), as a record (it prints readably with <c>%A</c>).
/// Start from <c>MapOptions.existing</c>, <c>MapOptions.openOrCreate</c>, <c>MapOptions.createNew</c>,
/// <c>MapOptions.createOrResize</c> or
/// <c>MapOptions.temporary</c> and adjust with the functions of the MapOptions module or <c>{ options with … }</c>.
type MapOptions =
    {
        /// 0 maps an existing file whole; with <c>PmemFileFlags.Create</c>, the file's exact new length in bytes;
        /// otherwise (libpmem2's model) the number of bytes mapped from <c>Offset</c>, a multiple of the alignment.
        Length: int64
        /// libpmem's PMEM_FILE_* flags: Create, Exclusive, Sparse, TempFile.
        Flags: PmemFileFlags
        /// Permissions of a created file, before the umask.
        Mode: UnixFileMode
        /// With Create: whether an existing file is resized to exactly <c>Length</c> or kept (never shrunk).
        Existing: ExistingFile
        /// libpmem2's source: <c>None</c> maps the path given to <c>Mapping.mapFile</c>; <c>Some</c> a PmemSource (a handle
        /// that is not taken over, anonymous memory, or a path) for <c>Mapping.map</c>.
        Source: PmemSource option
        /// libpmem2's offset: where in the source the mapping starts, a multiple of the source's alignment (the page
        /// size; a device-DAX device's own alignment).
        Offset: int64
        /// libpmem2's protection: <c>ReadWrite</c> (the default) or <c>Read</c>; Pmem's stores into a <c>Read</c>
        /// mapping return <c>PmemError.Map(ReadOnlyMapping, _)</c> instead of faulting.
        Protection: PmemProtection
        /// libpmem2's sharing: <c>Shared</c> (the default) or <c>Private</c> (copy-on-write: nothing reaches the
        /// file, nothing is ever durable).
        Sharing: PmemSharing
        /// libpmem2's required store granularity: a mapping whose granularity is coarser is refused with
        /// <c>PmemError.Map(GranularityNotSupported, _)</c>; <c>None</c> accepts any.
        RequiredGranularity: PmemGranularity option
    }

    /// True when the options use libpmem2's model (a source, an offset, a length without Create, read-only or private
    /// protection/sharing, or a required granularity): then <c>Length</c> is the mapped length (0 = to the end of the source), the file
    /// is never created or resized, and PmemFileFlags must be None.
    member UsesSource: bool

/// Ready-made MapOptions and functions to adjust them (subject last).
[<RequireQualifiedAccess>]
module MapOptions =
    /// Maps an existing file (or device-DAX device) whole: length 0, no flags.
    val existing: MapOptions

    /// Opens the file, or creates it with <paramref name="length"/> bytes if it is missing, and never shrinks it: an
    /// existing file at least that long is mapped whole, as it is; a shorter one is extended to
    /// <paramref name="length"/> (new bytes read as zeros). The blocks of <c>[0, length)</c> are allocated (unless
    /// <c>sparse</c>). What the file held stays there.
    val openOrCreate: length: int64 -> MapOptions

    /// libpmem's PMEM_FILE_CREATE: creates the file if missing and sets its length to exactly
    /// <paramref name="length"/> bytes, extending or TRUNCATING an existing file (bytes past
    /// <paramref name="length"/> are lost), allocating its blocks; a new file reads as zeros.
    val createOrResize: length: int64 -> MapOptions

    /// The same as <c>createOrResize</c> (kept for existing code): an existing file is extended or TRUNCATED to
    /// exactly <paramref name="length"/> bytes. To keep an existing file's contents and length, use
    /// <c>openOrCreate</c>.
    val create: length: int64 -> MapOptions

    /// As <c>create</c>, but fails with <c>PmemError.AlreadyExists</c> when the file exists (Create ||| Exclusive).
    val createNew: length: int64 -> MapOptions

    /// An unnamed temporary file of <paramref name="length"/> bytes in the directory given as the path
    /// (Create ||| TempFile): it disappears when unmapped.
    val temporary: length: int64 -> MapOptions

    /// Adds <c>PmemFileFlags.Sparse</c>: the file's blocks are not allocated up front (on a full file system a write
    /// may then fail instead of the mapping failing with NoSpace).
    val sparse: options: MapOptions -> MapOptions

    /// Sets the permissions of a created file (before the umask).
    val withMode: mode: UnixFileMode -> options: MapOptions -> MapOptions

    /// libpmem2's pmem2_source_from_fd: maps the open file <paramref name="handle"/> (with <c>Mapping.map</c>), whole,
    /// read-write and shared until adjusted. The handle is not taken over: the caller keeps it and may dispose it
    /// while the mapping is in use. Throws ObjectDisposedException for a handle already closed; a handle closed
    /// before <c>Mapping.tryMap</c> gives <c>PmemError.Map(InvalidFileHandle, _)</c>.
    val ofHandle: handle: Microsoft.Win32.SafeHandles.SafeFileHandle -> MapOptions

    /// libpmem2's pmem2_source_from_anon: <paramref name="size"/> bytes of anonymous memory (DRAM, zero-filled,
    /// never durable; store granularity Byte), for tests and volatile use (with <c>Mapping.map</c>).
    val anonymous: size: int64 -> MapOptions

    /// Maps the given source (with <c>Mapping.map</c>).
    val ofSource: source: PmemSource -> MapOptions

    /// Maps <paramref name="length"/> bytes from <paramref name="offset"/> (both multiples of the source's
    /// alignment; length 0 = to the end). A range past the end of the file is <c>PmemError.Map(MapRange, _)</c>:
    /// mapping never extends a file.
    val range: offset: int64 -> length: int64 -> options: MapOptions -> MapOptions

    /// Maps read-only (PMEM2_PROT_READ): the file may be read-only; Pmem's stores return
    /// <c>PmemError.Map(ReadOnlyMapping, _)</c> and store nothing.
    val readOnly: options: MapOptions -> MapOptions

    /// Maps private copy-on-write (PMEM2_PRIVATE): stores are seen in this mapping only, never reach the file and are
    /// never durable (persisting does nothing); the file may be read-only. Not for device DAX.
    val privateCopy: options: MapOptions -> MapOptions

    /// Refuses the mapping with <c>PmemError.Map(GranularityNotSupported, _)</c> when its store granularity is
    /// coarser than <paramref name="granularity"/> (for example <c>CacheLine</c> on a file only msync persists).
    val requireGranularity: granularity: PmemGranularity -> options: MapOptions -> MapOptions

    /// The core's PmemMapConfig for these options (Offset, Length, Protection, Sharing, RequiredGranularity).
    val toConfig: options: MapOptions -> PmemMapConfig
