using System.Runtime.InteropServices;

namespace Pmem;

/// <summary>What a path names before it is opened (libpmem's <c>util_file_get_type</c>).</summary>
internal enum FileTargetKind
{
    Missing,
    Normal,
    DeviceDax,
}

/// <summary>Classifies a path: missing, a regular file or directory, or a device-DAX character device.</summary>
internal static class FileTarget
{
    /// <summary>Returns the kind, or an errno: EINVAL for other file types (block devices, FIFOs, non-DAX character devices).</summary>
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

        return (FileTargetKind.Missing, 0u, 0u, Interop.Errno.EINVAL);
    }
}
