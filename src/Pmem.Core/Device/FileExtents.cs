using System;
using System.Collections.Generic;
using System.Runtime.InteropServices;

namespace Pmem;

/// <summary>A file's extents through <c>FS_IOC_FIEMAP</c> (libpmem2's <c>pmem2_extents_create_get</c>).</summary>
internal static unsafe class FileExtents
{
    private const int Batch = 64;

    /// <summary>Every extent of the open file <paramref name="fd"/>, or the errno (EOPNOTSUPP on file systems without FIEMAP, such as tmpfs).</summary>
    internal static (List<FileExtent>? Extents, int Errno) Read(int fd)
    {
        var extents = new List<FileExtent>();
        int size = sizeof(Interop.Libc.Fiemap) + Batch * sizeof(Interop.Libc.FiemapExtent);
        byte* buffer = (byte*)NativeMemory.AllocZeroed((nuint)size);
        try
        {
            var header = (Interop.Libc.Fiemap*)buffer;
            var records = (Interop.Libc.FiemapExtent*)(buffer + sizeof(Interop.Libc.Fiemap));
            ulong start = 0;
            while (true)
            {
                NativeMemory.Clear(buffer, (nuint)size);
                header->fm_start = start;
                header->fm_length = ulong.MaxValue - start;
                header->fm_flags = Interop.Libc.FIEMAP_FLAG_SYNC;
                header->fm_extent_count = Batch;
                if (Interop.Libc.ioctl(fd, Interop.Libc.FS_IOC_FIEMAP, buffer) != 0)
                {
                    return (null, Marshal.GetLastPInvokeError());
                }

                uint mapped = header->fm_mapped_extents;
                if (mapped == 0)
                {
                    return (extents, 0);
                }

                for (int i = 0; i < mapped; i++)
                {
                    Interop.Libc.FiemapExtent e = records[i];
                    extents.Add(new FileExtent(checked((long)e.fe_logical), checked((long)e.fe_physical), checked((long)e.fe_length)));
                    if ((e.fe_flags & Interop.Libc.FIEMAP_EXTENT_LAST) != 0)
                    {
                        return (extents, 0);
                    }
                }

                Interop.Libc.FiemapExtent last = records[mapped - 1];
                start = last.fe_logical + last.fe_length;
            }
        }
        finally
        {
            NativeMemory.Free(buffer);
        }
    }
}
