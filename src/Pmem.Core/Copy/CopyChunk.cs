using System.Runtime.CompilerServices;

namespace Pmem;

/// <summary>
/// One piece of a split copy or fill: the routine already chosen for the whole call, run on a line-aligned part of
/// the destination by <see cref="PersistentCopy.Move"/> or <see cref="PersistentCopy.Fill"/>.
/// </summary>
/// <remarks>A value type, handed to a <see cref="CopyWorker"/> by copying it into the worker's slot: no allocation.</remarks>
internal readonly unsafe struct CopyChunk
{
    private readonly PersistenceConfig? _config;
    private readonly byte* _dest;
    private readonly byte* _src;
    private readonly nuint _length;
    private readonly CopyPath _path;
    private readonly byte _value;

    private CopyChunk(PersistenceConfig config, CopyPath path, byte* dest, byte* src, byte value, nuint length)
    {
        _config = config;
        _path = path;
        _dest = dest;
        _src = src;
        _value = value;
        _length = length;
    }

    /// <summary>A piece of a move (<paramref name="src"/> not null).</summary>
    internal static CopyChunk Move(PersistenceConfig config, CopyPath path, byte* dest, byte* src, nuint length) =>
        new(config, path, dest, src, 0, length);

    /// <summary>A piece of a fill.</summary>
    internal static CopyChunk Fill(PersistenceConfig config, CopyPath path, byte* dest, byte value, nuint length) =>
        new(config, path, dest, null, value, length);

    /// <summary>Runs the piece's stores and flushes (no drain: the thread that runs it fences as it must).</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    internal void Run()
    {
        if (_length == 0 || _config is null)
        {
            return;
        }

        if (_src != null)
        {
            PersistentCopy.Move(_config, _path, _dest, _src, _length);
        }
        else
        {
            PersistentCopy.Fill(_config, _path, _dest, _value, _length);
        }
    }
}
