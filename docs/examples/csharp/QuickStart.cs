using System.Text;
using Pmem;

namespace Pmem.Examples;

/// <summary>README's C# quick start.</summary>
public static class QuickStart
{
    /// <summary>Maps <paramref name="path"/> (4 KiB, created if missing), stores a message durably, reports.</summary>
    public static int Run(string path)
    {
        using (PmemMapping mapping = PmemFile.Map(path, 4096, PmemFileFlags.Create))
        {
            byte[] message = Encoding.UTF8.GetBytes("hello, persistent memory");
            mapping.Copy(0, message);   // durable on return: non-temporal stores + flush + drain on pmem, msync otherwise
            Console.WriteLine($"IsPmem={mapping.IsPmem}: {mapping.IsPmemReason}");
        }

        Console.WriteLine(PmemCapabilities.Current);   // what Pmem chose on this machine, and why
        return 0;
    }
}
