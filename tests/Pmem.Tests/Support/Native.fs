/// Native helpers the tests need beyond what Pmem.Core exposes: privilege dropping and Debian's libpmem as an oracle.
module Pmem.Tests.Native

open System
open System.Runtime.InteropServices
open System.Threading

[<DllImport("libc.so.6")>]
extern uint32 geteuid()

[<DllImport("libc.so.6", SetLastError = true)>]
extern int64 syscall(int64 number, int64 a, int64 b, int64 c)

[<DllImport("libc.so.6")>]
extern uint32 umask(uint32 mask)

let private SYS_setresuid = 117L
let private SYS_setresgid = 119L
let nobody = 65534L

/// Runs f on a fresh thread whose kernel credentials are those of 'nobody' (raw setresuid/setresgid change only the
/// calling thread, unlike glibc's wrappers), keeping root as the saved ID so the thread can switch back. Returns None
/// when the process cannot change credentials. When not running as root, runs f as it is.
let asUnprivileged (f: unit -> 'a) : 'a option =
    if geteuid () <> 0u then
        Some(f ())
    else
        let mutable result = None
        let mutable failure: exn = null

        let body () =
            if syscall (SYS_setresgid, nobody, nobody, 0L) = 0L && syscall (SYS_setresuid, nobody, nobody, 0L) = 0L then
                try
                    try
                        result <- Some(f ())
                    with e ->
                        failure <- e
                finally
                    syscall (SYS_setresuid, 0L, 0L, 0L) |> ignore
                    syscall (SYS_setresgid, 0L, 0L, 0L) |> ignore

        let thread = Thread(body)
        thread.Start()
        thread.Join()
        if not (isNull failure) then raise failure
        result

/// The process umask (read by setting and restoring it).
let currentUmask () =
    let m = umask 0o022u
    umask m |> ignore
    m

/// Debian's libpmem, when installed: the oracle for differential tests.
module Libpmem =
    [<Literal>]
    let Name = "libpmem.so.1"

    let available =
        lazy
            (match NativeLibrary.TryLoad Name with
             | true, handle -> handle <> 0n
             | _ -> false)

    [<DllImport(Name, SetLastError = true)>]
    extern nativeint pmem_map_file(string path, unativeint len, int flags, uint32 mode, unativeint& mappedLen, int& isPmem)

    [<DllImport(Name, SetLastError = true)>]
    extern int pmem_unmap(nativeint addr, unativeint len)

    [<DllImport(Name)>]
    extern int pmem_has_auto_flush()

    [<DllImport(Name)>]
    extern nativeint pmem_memmove(nativeint dest, nativeint src, unativeint len, uint32 flags)

    [<DllImport(Name)>]
    extern nativeint pmem_memset(nativeint dest, int c, unativeint len, uint32 flags)

    [<DllImport(Name)>]
    extern nativeint pmem_check_version(uint32 major, uint32 minor)

    /// pmem_map_file: Ok (mapped length, is_pmem) after unmapping again, or Error errno.
    let mapFile (path: string) (length: int64) (flags: int) (mode: uint32) =
        let mutable mapped = 0un
        let mutable isPmem = 0
        let addr = pmem_map_file (path, unativeint length, flags, mode, &mapped, &isPmem)
        if addr = 0n then
            Error(Marshal.GetLastPInvokeError())
        else
            pmem_unmap (addr, mapped) |> ignore
            Ok(int64 mapped, isPmem <> 0)

    /// Skips the calling test when libpmem is absent.
    let require () =
        if not available.Value then
            Expecto.Tests.skiptest "Debian's libpmem (libpmem1) is not installed"
