/// How `pmem copy` makes its destination appear whole or not at all: the copy is written to a temporary name in the
/// destination's directory, fsync'd, renamed into place without replacing anything, and the directory fsync'd; on any
/// failure, SIGINT or SIGTERM the temporary file is removed, so neither a partial destination nor a temporary file is
/// left behind.
module internal Pmem.Cli.Staging

open System
open System.IO
open System.Runtime.InteropServices
open System.Threading
open Pmem

/// The hidden temporary name a copy to <paramref name="destination"/> writes first, in the same directory (a rename
/// within one file system is atomic).
let temporaryFor (destination: string) =
    let full = Path.GetFullPath destination
    let directory = nonNull (Path.GetDirectoryName full)
    Path.Combine(directory, $".{Path.GetFileName full}.pmem-copy-{Guid.NewGuid():N}")

let private fail (what: string) (path: string) =
    let errno = Marshal.GetLastPInvokeError()
    raise (PmemException(errno, $"{what} '{path}' failed: {Marshal.GetPInvokeErrorMessage errno} ({ErrnoTable.Name errno}).", path))

/// fsync(2) of a file or a directory: its contents (or entries) are durable when this returns.
let fsync (path: string) (isDirectory: bool) =
    let flags =
        Interop.Libc.O_RDONLY
        ||| Interop.Libc.O_CLOEXEC
        ||| (if isDirectory then Interop.Libc.O_DIRECTORY else 0)

    let fd = Interop.Libc.``open`` (path, flags, 0u)

    if fd < 0 then
        fail "open" path

    try
        if Interop.Libc.fsync fd <> 0 then
            fail "fsync" path
    finally
        Interop.Libc.close fd |> ignore

/// The temporary file is durable; rename it to <paramref name="destination"/> (never replacing a file that appeared
/// meanwhile: that raises IOException with the destination existing) and make the new name durable.
let publish (temporary: string) (destination: string) =
    fsync temporary false
    File.Move(temporary, destination, false)
    fsync (nonNull (Path.GetDirectoryName(Path.GetFullPath destination))) true

/// Removes the temporary file if it is there; never throws (it runs on failure paths and from signal handlers).
let remove (temporary: string) =
    try
        File.Delete temporary
    with _ ->
        ()

/// SIGXFSZ, which the kernel sends with EFBIG when a write passes the file-size limit (`ulimit -f`).
[<Literal>]
let private SIGXFSZ = 25

/// Ignores SIGXFSZ for the rest of the process, so that a write past the file-size limit fails with EFBIG (reported
/// as exit code 5, no space) instead of killing the process.
let ignoreFileSizeSignal () =
    PosixSignalRegistration.Create(enum<PosixSignal> SIGXFSZ, fun context -> context.Cancel <- true) |> ignore

/// A copy in progress: SIGINT and SIGTERM cancel <c>Token</c> instead of ending the process, so the copy stops at its
/// next chunk and its temporary file is removed. Should the copy not come back within a few seconds (blocked in a
/// system call), the handler removes the temporary file and exits itself. <c>Dispose</c> when the copy is over.
type Interruption(temporary: string) =
    let cancel = new CancellationTokenSource()
    let finished = new ManualResetEventSlim(false)
    let mutable signal: PosixSignal option = None

    let handle (context: PosixSignalContext) =
        context.Cancel <- true
        signal <- Some context.Signal
        cancel.Cancel()

        if not (finished.Wait(TimeSpan.FromSeconds 5.0)) then
            remove temporary
            exit (ExitCode.ofSignal context.Signal)

    let registrations =
        [ PosixSignalRegistration.Create(PosixSignal.SIGINT, handle)
          PosixSignalRegistration.Create(PosixSignal.SIGTERM, handle) ]

    /// Cancelled by SIGINT or SIGTERM.
    member _.Token = cancel.Token

    /// The signal that cancelled the copy, if one did.
    member _.Signal = signal

    interface IDisposable with
        member _.Dispose() =
            // First release a handler waiting for the copy to end, then stop handling the signals.
            finished.Set()

            for registration in registrations do
                registration.Dispose()
