using System.Runtime.InteropServices;

namespace Pmem.Bench.Native;

internal static partial class Libc
{
    /// <summary>
    /// Sets a variable in the C environment. <see cref="System.Environment.SetEnvironmentVariable(string, string)"/>
    /// only changes .NET's copy, which C libraries such as libpmem never see.
    /// </summary>
    [LibraryImport("libc", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    internal static partial int setenv(string name, string value, int overwrite);
}
