using Pmem;

namespace Pmem.Examples;

/// <summary>libpmem's simple_copy.c: the whole source copied into a new file with one persistent copy.</summary>
public static class SimpleCopy
{
    /// <summary>Copies <paramref name="source"/> into the new file <paramref name="destination"/>.</summary>
    public static int Run(string source, string destination)
    {
        byte[] bytes = File.ReadAllBytes(source);

        // Create|Exclusive: the destination must not exist. Its length is the source's (which must not be empty).
        using PmemMapping mapping = PmemFile.Map(destination, bytes.Length, PmemFileFlags.Create | PmemFileFlags.Exclusive);

        // pmem_memcpy_persist on pmem; a copy and msync otherwise. Durable on return either way.
        mapping.Copy(0, bytes);

        Console.WriteLine($"copied {bytes.Length} bytes to {destination} ({(mapping.IsPmem ? "memcpy_persist" : "memcpy + msync")})");
        return 0;
    }
}
