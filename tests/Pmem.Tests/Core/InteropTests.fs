/// The Linux constants and struct layouts Pmem's interop declares, proven against the C headers.
module Pmem.Tests.InteropTests

open System
open System.IO
open Expecto
open Pmem
open Pmem.Tests.TestDsl

type private L = Interop.Libc
type private E = Interop.Errno

/// (C expression, value Pmem uses)
let private constants: (string * int64) list =
    [ "O_RDONLY", int64 L.O_RDONLY
      "O_WRONLY", int64 L.O_WRONLY
      "O_RDWR", int64 L.O_RDWR
      "O_CREAT", int64 L.O_CREAT
      "O_EXCL", int64 L.O_EXCL
      "O_DIRECTORY", int64 L.O_DIRECTORY
      "O_CLOEXEC", int64 L.O_CLOEXEC
      "O_TMPFILE", int64 L.O_TMPFILE
      "O_ACCMODE", int64 L.O_ACCMODE
      "F_GETFL", int64 L.F_GETFL
      "PROT_NONE", int64 L.PROT_NONE
      "PROT_READ", int64 L.PROT_READ
      "PROT_WRITE", int64 L.PROT_WRITE
      "PROT_EXEC", int64 L.PROT_EXEC
      "MAP_SHARED", int64 L.MAP_SHARED
      "MAP_PRIVATE", int64 L.MAP_PRIVATE
      "MAP_SHARED_VALIDATE", int64 L.MAP_SHARED_VALIDATE
      "MAP_FIXED", int64 L.MAP_FIXED
      "MAP_ANONYMOUS", int64 L.MAP_ANONYMOUS
      "MAP_NORESERVE", int64 L.MAP_NORESERVE
      "MAP_SYNC", int64 L.MAP_SYNC
      "MAP_FIXED_NOREPLACE", int64 L.MAP_FIXED_NOREPLACE
      "MS_ASYNC", int64 L.MS_ASYNC
      "MS_INVALIDATE", int64 L.MS_INVALIDATE
      "MS_SYNC", int64 L.MS_SYNC
      "S_IFMT", int64 L.S_IFMT
      "S_IFCHR", int64 L.S_IFCHR
      "S_IFDIR", int64 L.S_IFDIR
      "S_IFREG", int64 L.S_IFREG
      "S_IFLNK", int64 L.S_IFLNK
      "MADV_POPULATE_WRITE", int64 L.MADV_POPULATE_WRITE
      "FALLOC_FL_KEEP_SIZE", int64 L.FALLOC_FL_KEEP_SIZE
      "FALLOC_FL_PUNCH_HOLE", int64 L.FALLOC_FL_PUNCH_HOLE
      "FS_IOC_FIEMAP", int64 L.FS_IOC_FIEMAP
      "FIEMAP_FLAG_SYNC", int64 L.FIEMAP_FLAG_SYNC
      "FIEMAP_EXTENT_LAST", int64 L.FIEMAP_EXTENT_LAST
      "sizeof(struct fiemap)", int64 sizeof<L.Fiemap>
      "offsetof(struct fiemap, fm_extent_count)", 24L
      "sizeof(struct fiemap_extent)", int64 sizeof<L.FiemapExtent>
      "offsetof(struct fiemap_extent, fe_physical)", 8L
      "offsetof(struct fiemap_extent, fe_length)", 16L
      "offsetof(struct fiemap_extent, fe_flags)", 40L
      "sizeof(struct stat)", 144L
      "offsetof(struct stat, st_dev)", 0L
      "offsetof(struct stat, st_mode)", 24L
      "offsetof(struct stat, st_rdev)", 40L
      "offsetof(struct stat, st_size)", 48L
      "offsetof(struct stat, st_blksize)", 56L
      "offsetof(struct stat, st_blocks)", 64L
      "EPERM", int64 E.EPERM
      "ENOENT", int64 E.ENOENT
      "EINTR", int64 E.EINTR
      "EIO", int64 E.EIO
      "EBADF", int64 E.EBADF
      "ENOMEM", int64 E.ENOMEM
      "EACCES", int64 E.EACCES
      "EFAULT", int64 E.EFAULT
      "EEXIST", int64 E.EEXIST
      "ENOTDIR", int64 E.ENOTDIR
      "EISDIR", int64 E.EISDIR
      "EINVAL", int64 E.EINVAL
      "EFBIG", int64 E.EFBIG
      "ENOSPC", int64 E.ENOSPC
      "EROFS", int64 E.EROFS
      "EOPNOTSUPP", int64 E.EOPNOTSUPP
      "EDQUOT", int64 E.EDQUOT ]

let private program () =
    let asserts =
        constants
        |> List.map (fun (expr, value) -> $"_Static_assert((long long)({expr}) == {value}LL, \"{expr} is not {value}\");")
    String.concat
        "\n"
        ([ "#define _GNU_SOURCE"; "#include <fcntl.h>"; "#include <linux/falloc.h>"; "#include <linux/fs.h>"; "#include <linux/fiemap.h>"; "#include <sys/mman.h>"; "#include <sys/stat.h>"
           "#include <stddef.h>"; "#include <errno.h>"; "int main(void) { return 0; }" ]
         @ asserts)

let tests =
    testList
        "Interop"
        [ testCase "constants and struct stat offsets match the system headers" (fun () ->
              match tryFindOnPath "cc" |> Option.orElse (tryFindOnPath "gcc") with
              | None -> skip "no C compiler to check the constants against"
              | Some cc ->
                  use dir = diskDir ()
                  let source = dir.File "constants.c"
                  File.WriteAllText(source, program ())
                  let code, output = run cc [ "-fsyntax-only"; source ]
                  Expect.equal code 0 $"the C compiler disagrees with Pmem's values:\n{output}")

          testCase "device numbers split as glibc's major()/minor() do" (fun () ->
              // makedev(259, 65537) = ((259 & 0xfff) << 8) | ((259 & ~0xfff) << 32) | (65537 & 0xff) | ((65537 & ~0xff) << 12)
              let dev = (259UL <<< 8) ||| (65537UL &&& 0xffUL) ||| ((65537UL &&& ~~~0xffUL) <<< 12)
              L.Major dev =! 259u
              L.Minor dev =! 65537u
              let mutable st = Unchecked.defaultof<L.StatBuffer>
              L.stat ("/dev/null", &st) =! 0
              (L.Major st.st_rdev, L.Minor st.st_rdev) =! (1u, 3u)) ]
