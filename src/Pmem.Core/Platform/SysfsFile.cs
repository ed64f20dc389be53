using System;
using System.Runtime.InteropServices;
using System.Text;

namespace Pmem;

/// <summary>Reads and writes small sysfs attribute files, keeping the errno of any failure.</summary>
internal static unsafe class SysfsFile
{
    /// <summary>Reads at most <paramref name="maxBytes"/> bytes; <see langword="false"/> with the errno on failure.</summary>
    internal static bool TryRead(string path, int maxBytes, out string text, out int errno)
    {
        text = "";
        int fd = Interop.Libc.open(path, Interop.Libc.O_RDONLY | Interop.Libc.O_CLOEXEC, 0);
        if (fd < 0)
        {
            errno = Marshal.GetLastPInvokeError();
            return false;
        }

        try
        {
            byte* buffer = stackalloc byte[maxBytes];
            nint n = Interop.Libc.read(fd, buffer, (nuint)maxBytes);
            if (n < 0)
            {
                errno = Marshal.GetLastPInvokeError();
                return false;
            }

            text = Encoding.ASCII.GetString(buffer, (int)n);
            errno = 0;
            return true;
        }
        finally
        {
            Interop.Libc.close(fd);
        }
    }

    /// <summary>Writes <paramref name="text"/> in one write(2); returns 0 or the errno.</summary>
    internal static int Write(string path, string text)
    {
        int fd = Interop.Libc.open(path, Interop.Libc.O_WRONLY | Interop.Libc.O_CLOEXEC, 0);
        if (fd < 0)
        {
            return Marshal.GetLastPInvokeError();
        }

        try
        {
            byte[] bytes = Encoding.ASCII.GetBytes(text);
            fixed (byte* p = bytes)
            {
                nint n = Interop.Libc.write(fd, p, (nuint)bytes.Length);
                if (n < 0)
                {
                    return Marshal.GetLastPInvokeError();
                }

                return n == bytes.Length ? 0 : Interop.Errno.EIO;
            }
        }
        finally
        {
            Interop.Libc.close(fd);
        }
    }

    /// <summary>Reads a decimal attribute such as <c>size</c>; <see langword="null"/> when absent or malformed.</summary>
    internal static long? TryReadInt64(string path)
    {
        if (!TryRead(path, 64, out string text, out _))
        {
            return null;
        }

        return long.TryParse(text.AsSpan().Trim(), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out long value)
            ? value
            : null;
    }
}
