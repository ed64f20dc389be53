using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Text;

namespace Pmem;

/// <summary>
/// The NVDIMMs (nmemN) an nd region is built from, and what libpmem2 reads from each through libndctl:
/// <c>pmem2_source_device_usc</c> sums every DIMM's dirty-shutdown count, <c>pmem2_source_device_id</c>
/// concatenates every DIMM's unique id, in the region's mapping order.
/// </summary>
/// <remarks>
/// sysfs: the region's <c>mappings</c> (how many) and <c>mapping0</c>… (<c>nmemX,offset,length,position</c>) name the
/// DIMMs; each DIMM's attributes are under <c>/sys/bus/nd/devices/nmemX/nfit/</c> on ACPI NFIT platforms and
/// <c>…/papr/</c> on PowerPC (libndctl's bus prefix): <c>id</c> (libndctl's unique id) and <c>dirty_shutdown</c>
/// (the unsafe-shutdown count the DIMM keeps; libndctl reads it with <c>strtoll</c>).
/// </remarks>
internal static class RegionDimms
{
    /// <summary>The DIMM directories of the region, in mapping order.</summary>
    internal static PmemDeviceFact<IReadOnlyList<string>> List(NdTopology topology)
    {
        string root = topology.Root;
        string region = topology.RegionDirectory!;
        PmemDeviceFact<long> count = SysfsText.ReadInt64(root, Path.Combine(region, "mappings"));
        if (!count.IsKnown)
        {
            return count.As<IReadOnlyList<string>>();
        }

        if (count.Value is <= 0 or > 1024)
        {
            return PmemDeviceFact<IReadOnlyList<string>>.Fail(PmemDeviceFactStatus.NotSupported, $"{count.Reason} says the region has {count.Value} DIMM mappings");
        }

        var dimms = new List<string>();
        for (int i = 0; i < count.Value; i++)
        {
            PmemDeviceFact<string> mapping = SysfsText.Read(root, Path.Combine(region, "mapping" + i.ToString(CultureInfo.InvariantCulture)));
            if (!mapping.IsKnown)
            {
                return mapping.As<IReadOnlyList<string>>();
            }

            string[] fields = mapping.Value!.Split(',');
            if (fields.Length != 4 || !fields[0].StartsWith("nmem", StringComparison.Ordinal)
                || !uint.TryParse(fields[0].AsSpan(4), NumberStyles.None, CultureInfo.InvariantCulture, out _))
            {
                return PmemDeviceFact<IReadOnlyList<string>>.Fail(PmemDeviceFactStatus.Malformed, $"{mapping.Reason} holds '{SysfsText.Shorten(mapping.Value)}', not nmemX,offset,length,position");
            }

            string dimm = Path.Combine(root, "bus", "nd", "devices", fields[0]);
            if (!Directory.Exists(dimm))
            {
                return PmemDeviceFact<IReadOnlyList<string>>.Fail(PmemDeviceFactStatus.NotSupported, $"{mapping.Reason} names {fields[0]}, which /sys/bus/nd/devices does not have");
            }

            dimms.Add(dimm);
        }

        return PmemDeviceFact<IReadOnlyList<string>>.Known(dimms, $"{dimms.Count} DIMM(s) in {topology.RegionName}");
    }

    /// <summary>libpmem2's <c>pmem2_source_device_usc</c>: the sum of the DIMMs' dirty-shutdown counts.</summary>
    internal static PmemDeviceFact<ulong> UnsafeShutdownCount(NdTopology topology)
    {
        PmemDeviceFact<IReadOnlyList<string>> dimms = List(topology);
        if (!dimms.IsKnown)
        {
            return dimms.As<ulong>();
        }

        ulong sum = 0;
        var sources = new StringBuilder();
        foreach (string dimm in dimms.Value!)
        {
            PmemDeviceFact<long> usc = SysfsText.ReadInt64(topology.Root, Attribute(dimm, "dirty_shutdown"));
            if (!usc.IsKnown)
            {
                return PmemDeviceFact<ulong>.Fail(usc.Status, $"{usc.Reason}: this DIMM does not report an unsafe shutdown count (libpmem2: PMEM2_E_NOSUPP)");
            }

            if (usc.Value < 0)
            {
                return PmemDeviceFact<ulong>.Fail(PmemDeviceFactStatus.NotSupported, $"{usc.Reason} is negative: no unsafe shutdown count (libpmem2: PMEM2_E_NOSUPP)");
            }

            sum += (ulong)usc.Value;
            sources.Append(sources.Length == 0 ? "" : " + ").Append(usc.Reason).Append(" (").Append(usc.Value).Append(')');
        }

        return PmemDeviceFact<ulong>.Known(sum, "sum of " + sources);
    }

    /// <summary>libpmem2's <c>pmem2_source_device_id</c>: the DIMMs' unique ids, concatenated.</summary>
    internal static PmemDeviceFact<string> DeviceId(NdTopology topology)
    {
        PmemDeviceFact<IReadOnlyList<string>> dimms = List(topology);
        if (!dimms.IsKnown)
        {
            return dimms.As<string>();
        }

        var id = new StringBuilder();
        foreach (string dimm in dimms.Value!)
        {
            PmemDeviceFact<string> one = SysfsText.Read(topology.Root, Attribute(dimm, "id"));
            if (!one.IsKnown)
            {
                return PmemDeviceFact<string>.Fail(one.Status, $"{one.Reason}: this DIMM has no unique id (libpmem2: PMEM2_E_NOSUPP)");
            }

            id.Append(one.Value);
        }

        return PmemDeviceFact<string>.Known(id.ToString(), $"the unique ids (nfit/id or papr/id) of the {dimms.Value!.Count} DIMM(s) of {topology.RegionName}, concatenated");
    }

    /// <summary>The DIMM attribute under the bus family's directory: <c>nfit/</c>, else <c>papr/</c>.</summary>
    private static string Attribute(string dimm, string name)
    {
        string papr = Path.Combine(dimm, "papr");
        return Directory.Exists(papr) && !Directory.Exists(Path.Combine(dimm, "nfit"))
            ? Path.Combine(papr, name)
            : Path.Combine(dimm, "nfit", name);
    }
}
