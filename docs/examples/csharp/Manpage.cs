using System.Text;
using Pmem;

namespace Pmem.Examples;

/// <summary>libpmem's manpage.c: a 4 KiB file, a string stored in it, persisted (pmem) or msync'd (not pmem).</summary>
public static class Manpage
{
    /// <summary>Using 4 KiB of pmem for this example.</summary>
    private const int PmemLength = 4096;

    /// <summary>Creates (or resizes) <paramref name="path"/>, stores the string and makes it durable.</summary>
    public static int Run(string path)
    {
        if (!PmemFile.TryMap(path, PmemLength, PmemFileFlags.Create, PmemFile.DefaultMode, out PmemMapping? mapping, out PmemException? error))
        {
            Console.Error.WriteLine($"manpage: {error.Message}");
            return 1;
        }

        using (mapping)
        {
            bool isPmem = mapping.IsPmem;   // decided when the file was mapped: keep the answer

            // Plain stores: nothing is durable, in any order, until flushed.
            int stored;
            using (PmemLease lease = mapping.Lease(0, PmemLength))   // holds the mapping while the span is used
            {
                stored = Encoding.UTF8.GetBytes("hello, persistent memory", lease.Span);
            }

            if (isPmem)
            {
                mapping.Persist(0, PmemLength);   // flush + drain
            }
            else
            {
                mapping.Msync(0, PmemLength);
            }

            Console.WriteLine($"stored {stored} bytes in {path} and made them durable with {(isPmem ? "flush + drain" : "msync")}");
        }

        return 0;
    }
}
