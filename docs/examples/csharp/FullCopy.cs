using Pmem;

namespace Pmem.Examples;

/// <summary>libpmem's full_copy.c: 4 KiB blocks copied with no-drain persistent copies, one drain at the end.</summary>
public static class FullCopy
{
    /// <summary>Copying 4 KiB at a time to pmem for this example.</summary>
    private const int BufferLength = 4096;

    /// <summary>Copies <paramref name="source"/> into the new file <paramref name="destination"/>.</summary>
    public static int Run(string source, string destination)
    {
        using FileStream input = File.OpenRead(source);
        using PmemMapping mapping = PmemFile.Map(destination, input.Length, PmemFileFlags.Create | PmemFileFlags.Exclusive);

        if (mapping.IsPmem)
        {
            CopyBlocks(input, mapping, PmemCopyFlags.NoDrain);   // each block flushed, none drained yet
            mapping.Drain();                                      // the final step: all of it durable
        }
        else
        {
            CopyBlocks(input, mapping, PmemCopyFlags.NoFlush);   // plain copies
            mapping.Msync(0, mapping.Length);                     // one msync of the whole file
        }

        string how = mapping.IsPmem ? "no-drain copies, one drain" : "copies, one msync";
        Console.WriteLine($"copied {mapping.Length} bytes to {destination} in {BufferLength}-byte blocks ({how})");
        return 0;
    }

    private static void CopyBlocks(Stream input, PmemMapping mapping, PmemCopyFlags flags)
    {
        var buffer = new byte[BufferLength];
        long offset = 0;
        int read;
        while ((read = input.Read(buffer, 0, buffer.Length)) > 0)
        {
            mapping.Copy(offset, buffer.AsSpan(0, read), flags);
            offset += read;
        }
    }
}
