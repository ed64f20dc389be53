using System;

namespace Pmem;

// The part of the capability report that reads a mapping: it lives with the mappings, since Config/ sits below Mapping/.
public sealed partial record PmemCapabilities
{
    /// <summary>A sentence about one mapping: MAP_SYNC, device DAX, is-pmem and why.</summary>
    /// <param name="mapping">A mapping made by <see cref="PmemFile"/>.</param>
    /// <returns>The description.</returns>
    public static string Describe(PmemMapping mapping)
    {
        ArgumentNullException.ThrowIfNull(mapping);
        string kind = mapping.IsDeviceDax ? "device DAX" : mapping.IsMapSync ? "MAP_SYNC accepted" : "MAP_SYNC refused";
        return $"{mapping.Path ?? "(temporary file)"}: {mapping.Length} bytes, {kind}, IsPmem={mapping.IsPmem}: {mapping.IsPmemReason}";
    }
}
