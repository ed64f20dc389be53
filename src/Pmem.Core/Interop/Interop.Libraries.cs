namespace Pmem;

internal static partial class Interop
{
    internal static class Libraries
    {
        /// <summary>glibc on 64-bit Linux. The versioned name avoids resolving the linker script <c>libc.so</c>.</summary>
        internal const string Libc = "libc.so.6";
    }
}
