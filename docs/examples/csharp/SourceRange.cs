using Pmem;

namespace Pmem.Examples;

/// <summary>getting-started's libpmem2 example: part of a file, mapped read-only through a source and a config.</summary>
public static class SourceRange
{
    /// <summary>Maps the second 4 KiB of <paramref name="path"/> (at least 8 KiB long) read-only and shows that a store is a typed error.</summary>
    public static int Run(string path)
    {
        PmemSource source = PmemSource.FromPath(path);   // or FromHandle(handle), FromAnonymous(size)
        using PmemMapping page = source.Map(new PmemMapConfig { Offset = 4096, Length = 4096, Protection = PmemProtection.Read });
        Console.WriteLine($"{page.Granularity}: {page.GranularityReason}");
        try
        {
            page.Copy(0, "x"u8);
        }
        catch (PmemMapException e) when (e.Error == PmemMapError.ReadOnlyMapping)
        {
            Console.WriteLine(e.Message);   // a typed error, never SIGSEGV
        }

        return 0;
    }
}
