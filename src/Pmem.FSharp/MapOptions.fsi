namespace Pmem.FSharp

open System.IO
open Pmem

/// How Pmem.mapFile maps a path: libpmem's pmem_map_file arguments as a record (it prints readably with <c>%A</c>).
/// Start from <c>MapOptions.existing</c>, <c>MapOptions.create</c>, <c>MapOptions.createNew</c> or
/// <c>MapOptions.temporary</c> and adjust with the functions of the MapOptions module or <c>{ options with … }</c>.
type MapOptions =
    {
        /// 0 maps an existing file whole; with <c>PmemFileFlags.Create</c>, the file's exact new length in bytes.
        Length: int64
        /// libpmem's PMEM_FILE_* flags: Create, Exclusive, Sparse, TempFile.
        Flags: PmemFileFlags
        /// Permissions of a created file, before the umask.
        Mode: UnixFileMode
    }

/// Ready-made MapOptions and functions to adjust them (subject last).
[<RequireQualifiedAccess>]
module MapOptions =
    /// Maps an existing file (or device-DAX device) whole: length 0, no flags.
    val existing: MapOptions

    /// Creates the file if missing and sets its length to exactly <paramref name="length"/> bytes (extending or
    /// truncating an existing file), allocating its blocks; a new file reads as zeros.
    val create: length: int64 -> MapOptions

    /// As <c>create</c>, but fails with <c>PmemError.AlreadyExists</c> when the file exists (Create ||| Exclusive).
    val createNew: length: int64 -> MapOptions

    /// An unnamed temporary file of <paramref name="length"/> bytes in the directory given as the path
    /// (Create ||| TempFile): it disappears when unmapped.
    val temporary: length: int64 -> MapOptions

    /// Adds <c>PmemFileFlags.Sparse</c>: the file's blocks are not allocated up front (writes may then fail with
    /// SIGBUS on a full file system instead of mapping failing with NoSpace).
    val sparse: options: MapOptions -> MapOptions

    /// Sets the permissions of a created file (before the umask).
    val withMode: mode: UnixFileMode -> options: MapOptions -> MapOptions
