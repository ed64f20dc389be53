using System.Diagnostics;
using System.Runtime.CompilerServices;

namespace Pmem;

/// <summary>
/// One piece of a split copy or fill: the routine already chosen for the whole call, run on a line-aligned part of
/// the destination by <see cref="CopyEngine.Move"/> or <see cref="CopyEngine.Fill"/>.
/// </summary>
/// <remarks>A value type, handed to a <see cref="CopyWorker"/> by copying it into the worker's slot: no allocation.</remarks>
internal readonly unsafe struct CopyChunk
{
    private readonly ResolvedConfig? _config;
    private readonly byte* _dest;
    private readonly byte* _src;
    private readonly nuint _length;
    private readonly CopyPath _path;
    private readonly byte _value;

    private CopyChunk(ResolvedConfig config, CopyPath path, byte* dest, byte* src, byte value, nuint length)
    {
        _config = config;
        _path = path;
        _dest = dest;
        _src = src;
        _value = value;
        _length = length;
    }

    /// <summary>A piece of a move (<paramref name="src"/> not null).</summary>
    internal static CopyChunk Move(ResolvedConfig config, CopyPath path, byte* dest, byte* src, nuint length) =>
        new(config, path, dest, src, 0, length);

    /// <summary>A piece of a fill.</summary>
    internal static CopyChunk Fill(ResolvedConfig config, CopyPath path, byte* dest, byte value, nuint length) =>
        new(config, path, dest, null, value, length);

    /// <summary>Bytes in the piece.</summary>
    internal nuint Length => _length;

    /// <summary>
    /// Runs the stores and flushes of <c>[start, start + length)</c> of the piece (no drain: the thread that runs it
    /// fences as it must). <paramref name="start"/> is a multiple of 64, so the piece's lines stay whole.
    /// </summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    internal void Run(nuint start, nuint length)
    {
        Debug.Assert(start % 64 == 0 && start + length <= _length, "a part starts on a line of the piece and lies within it");
        if (length == 0 || _config is null)
        {
            return;
        }

        if (_src != null)
        {
            CopyEngine.Move(_config, _path, _dest + start, _src + start, length);
        }
        else
        {
            CopyEngine.Fill(_config, _path, _dest + start, _value, length);
        }
    }
}
