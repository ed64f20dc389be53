using System.Runtime.InteropServices;

namespace Pmem;

/// <summary>What a path names before it is opened (libpmem's <c>util_file_get_type</c>).</summary>
internal enum FileTargetKind
{
    /// <summary>Nothing exists at the path (stat said ENOENT), or stat failed with the returned errno.</summary>
    Missing,

    /// <summary>A regular file or a directory.</summary>
    Normal,

    /// <summary>A device-DAX character device.</summary>
    DeviceDax,

    /// <summary>Another file type (a block device, a FIFO, a socket, a character device that is not device DAX).</summary>
    Unsupported,
}

/// <summary>Classifies a path: missing, a regular file or directory, or a device-DAX character device.</summary>
internal static class FileTarget
{
    /// <summary>Returns the kind, and the errno of a failed stat other than ENOENT (0 otherwise).</summary>
    internal static (FileTargetKind Kind, uint Major, uint Minor, int Errno) Classify(string path, string sysfsRoot)
    {
        if (Interop.Libc.stat(path, out Interop.Libc.StatBuffer st) != 0)
        {
            int errno = Marshal.GetLastPInvokeError();
            return (FileTargetKind.Missing, 0u, 0u, errno == Interop.Errno.ENOENT ? 0 : errno);
        }

        uint type = st.st_mode & Interop.Libc.S_IFMT;
        if (type is Interop.Libc.S_IFREG or Interop.Libc.S_IFDIR)
        {
            return (FileTargetKind.Normal, 0u, 0u, 0);
        }

        if (type == Interop.Libc.S_IFCHR)
        {
            uint major = Interop.Libc.Major(st.st_rdev);
            uint minor = Interop.Libc.Minor(st.st_rdev);
            if (DeviceDax.IsDeviceDax(sysfsRoot, major, minor))
            {
                return (FileTargetKind.DeviceDax, major, minor, 0);
            }
        }

        return (FileTargetKind.Unsupported, 0u, 0u, 0);
    }
}
