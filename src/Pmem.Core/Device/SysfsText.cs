using System;
using System.Globalization;
using System.IO;

namespace Pmem;

/// <summary>Reads one sysfs attribute into a <see cref="PmemDeviceFact{T}"/>: absent, unreadable and malformed text each get their status.</summary>
internal static class SysfsText
{
    private const int MaxBytes = 4096;

    /// <summary>The attribute's text without its trailing newline.</summary>
    internal static PmemDeviceFact<string> Read(string sysfsRoot, string path)
    {
        string shown = Display(sysfsRoot, path);
        if (!File.Exists(path))
        {
            return PmemDeviceFact<string>.Fail(PmemDeviceFactStatus.NotSupported, $"{shown} does not exist");
        }

        if (!SysfsFile.TryRead(path, MaxBytes, out string text, out int errno))
        {
            return PmemDeviceFact<string>.Fail(PmemDeviceFactStatus.Unreadable, $"{shown} cannot be read ({ErrnoTable.Name(errno)})");
        }

        if (text.Length == 0 || text[^1] != '\n')
        {
            return PmemDeviceFact<string>.Fail(PmemDeviceFactStatus.Malformed, $"{shown} is {(text.Length == 0 ? "empty" : "not newline-terminated")}");
        }

        return PmemDeviceFact<string>.Known(text[..^1], shown);
    }

    /// <summary>A decimal integer attribute (an optional leading minus sign, then digits).</summary>
    internal static PmemDeviceFact<long> ReadInt64(string sysfsRoot, string path)
    {
        PmemDeviceFact<string> text = Read(sysfsRoot, path);
        if (!text.IsKnown)
        {
            return text.As<long>();
        }

        return long.TryParse(text.Value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out long value)
            ? PmemDeviceFact<long>.Known(value, text.Reason)
            : PmemDeviceFact<long>.Fail(PmemDeviceFactStatus.Malformed, $"{text.Reason} holds '{Shorten(text.Value!)}', not a decimal number");
    }

    /// <summary>A <c>0x</c>-prefixed hexadecimal attribute such as a region's <c>resource</c>.</summary>
    internal static PmemDeviceFact<long> ReadHex(string sysfsRoot, string path)
    {
        PmemDeviceFact<string> text = Read(sysfsRoot, path);
        if (!text.IsKnown)
        {
            return text.As<long>();
        }

        string s = text.Value!;
        return s.StartsWith("0x", StringComparison.Ordinal)
            && long.TryParse(s.AsSpan(2), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out long value)
            && value >= 0
            ? PmemDeviceFact<long>.Known(value, text.Reason)
            : PmemDeviceFact<long>.Fail(PmemDeviceFactStatus.Malformed, $"{text.Reason} holds '{Shorten(s)}', not a 0x-prefixed address");
    }

    /// <summary>The path as it would read under the real <c>/sys</c>.</summary>
    internal static string Display(string sysfsRoot, string path)
    {
        string root = sysfsRoot.TrimEnd('/');
        return path.StartsWith(root + "/", StringComparison.Ordinal) ? "/sys" + path[root.Length..] : path;
    }

    internal static string Shorten(string s) => s.Length <= 40 ? s : s[..40] + "…";
}
