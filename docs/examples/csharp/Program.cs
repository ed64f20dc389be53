// The C# versions of the libpmem introduction's examples; each returns the process exit code.
using Pmem;
using Pmem.Examples;

try
{
    return args switch
    {
        ["quickstart", var path] => QuickStart.Run(path),
        ["manpage", var path] => Manpage.Run(path),
        ["simple_copy", var source, var destination] => SimpleCopy.Run(source, destination),
        ["full_copy", var source, var destination] => FullCopy.Run(source, destination),
        ["source_range", var path] => SourceRange.Run(path),
        _ => Usage(),
    };
}
catch (Exception e) when (e is PmemException or IOException or UnauthorizedAccessException)
{
    // PmemException (an IOException) names the operation, the path and the errno.
    Console.Error.WriteLine($"{args[0]}: {e.Message}");
    return 1;
}

static int Usage()
{
    Console.Error.WriteLine("usage: Pmem.Examples quickstart FILE | manpage FILE | simple_copy SRC DST | full_copy SRC DST | source_range FILE");
    return 1;
}
