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

/// How Pmem.mapFile maps a path: libpmem's pmem_map_file arguments as a record (it prints readably with <c>%A</c>).
/// Start from <c>MapOptions.existing</c>, <c>MapOptions.openOrCreate</c>, <c>MapOptions.createNew</c>,
/// <c>MapOptions.createOrResize</c> or
/// <c>MapOptions.temporary</c> and adjust with the functions of the MapOptions module or <c>{ options with … }</c>.
type MapOptions =
    {
        /// 0 maps an existing file whole; with <c>PmemFileFlags.Create</c>, the file's exact new length in bytes.
        Length: int64
        /// libpmem's PMEM_FILE_* flags: Create, Exclusive, Sparse, TempFile.
        Flags: PmemFileFlags
        /// Permissions of a created file, before the umask.
        Mode: UnixFileMode
        /// With Create: whether an existing file is resized to exactly <c>Length</c> or kept (never shrunk).
        Existing: ExistingFile
    }

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
