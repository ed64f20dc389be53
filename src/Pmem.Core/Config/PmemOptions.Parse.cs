using System;
using System.Collections.Generic;

namespace Pmem;

public sealed partial record PmemOptions
{
    /// <summary>Every variable libpmem and libpmem2 read, in the order <see cref="Notes"/> lists them.</summary>
    public static IReadOnlyList<string> VariableNames { get; } =
    [
        "PMEM_IS_PMEM_FORCE", "PMEM_NO_CLWB", "PMEM_NO_CLFLUSHOPT", "PMEM_NO_FLUSH", "PMEM_NO_MOVNT",
        "PMEM_MOVNT_THRESHOLD", "PMEM_MMAP_HINT", "PMEM_AVX", "PMEM_AVX512F", "PMEM_MOVDIR64B",
        "PMEM_WC_WORKAROUND", "PMEM_NO_GENERIC_MEMCPY", "PMEM2_FORCE_GRANULARITY", "PMEM_LOG_LEVEL",
        "PMEM_LOG_FILE", "PMEM2_LOG_LEVEL", "PMEM2_LOG_FILE", "PMDK_LOG_ALIGN", "PMREORDER_EMIT_LOG",
    ];

    /// <summary>Reads the libpmem variables from <paramref name="variables"/> (name → value) with libpmem's rules.</summary>
    /// <param name="variables">Variable values; absent names mean unset.</param>
    /// <returns>The options those values give.</returns>
    public static PmemOptions Parse(IReadOnlyDictionary<string, string> variables)
    {
        ArgumentNullException.ThrowIfNull(variables);
        return Parse(name => variables.TryGetValue(name, out string? value) ? value : null);
    }

    /// <summary>Reads the libpmem variables through <paramref name="getVariable"/> with libpmem's rules.</summary>
    /// <param name="getVariable">Returns a variable's value, or <see langword="null"/> when it is unset.</param>
    /// <returns>The options those values give.</returns>
    public static PmemOptions Parse(Func<string, string?> getVariable)
    {
        ArgumentNullException.ThrowIfNull(getVariable);
        var notes = new List<string>();
        var options = new PmemOptions();

        void Note(string name, string value, string meaning) => notes.Add($"{name}=\"{value}\": {meaning}");

        if (getVariable("PMEM_IS_PMEM_FORCE") is { } force)
        {
            int v = CNumberParsing.AtoI(force);
            bool? forced = v switch { 0 => false, 1 => true, _ => null };
            options = options with { IsPmemForce = forced };
            Note("PMEM_IS_PMEM_FORCE", force, forced switch
            {
                true => "every range reports is-pmem true",
                false => v == 0 && force.Trim() != "0"
                    ? "atoi reads 0, so every range reports is-pmem false (libpmem behaves the same)"
                    : "every range reports is-pmem false",
                null => $"atoi reads {v}; only 0 or 1 have an effect, ignored",
            });
        }

        options = options with { NoClwb = OnlyOne("PMEM_NO_CLWB", "CLWB is not used") };
        options = options with { NoClflushopt = OnlyOne("PMEM_NO_CLFLUSHOPT", "CLFLUSHOPT is not used") };

        if (getVariable("PMEM_NO_FLUSH") is { } noFlush)
        {
            bool? value = noFlush switch { "1" => true, "0" => false, _ => null };
            options = options with { NoFlush = value };
            Note("PMEM_NO_FLUSH", noFlush, value switch
            {
                true => "CPU cache flushes are skipped (deep flushes still flush)",
                false => "CPU caches are flushed even if eADR is detected",
                null => "ignored, only \"1\" or \"0\" have an effect",
            });
        }

        options = options with { NoMovnt = OnlyOne("PMEM_NO_MOVNT", "non-temporal stores are not used") };

        if (getVariable("PMEM_MOVNT_THRESHOLD") is { } threshold)
        {
            long v = CNumberParsing.AtoLL(threshold);
            if (v < 0)
            {
                Note("PMEM_MOVNT_THRESHOLD", threshold, $"atoll reads {v}, negative values are ignored; threshold stays {DefaultMovntThreshold}");
            }
            else
            {
                options = options with { MovntThreshold = v };
                Note("PMEM_MOVNT_THRESHOLD", threshold, $"non-temporal stores from {v} bytes");
            }
        }

        if (getVariable("PMEM_MMAP_HINT") is { } hint)
        {
            if (CNumberParsing.TryStrtoullHex(hint, out ulong address))
            {
                options = options with { MmapHint = unchecked((nint)address) };
                Note("PMEM_MMAP_HINT", hint, $"mappings are placed at or after 0x{address:x}");
            }
            else
            {
                Note("PMEM_MMAP_HINT", hint, "not a hexadecimal address, ignored");
            }
        }

        options = options with { Avx = !OnlyZero("PMEM_AVX", "the 256-bit copy path is not used") };
        options = options with { Avx512F = !OnlyZero("PMEM_AVX512F", "the 512-bit copy path is not used") };

        if (getVariable("PMEM_MOVDIR64B") is { } movdir)
        {
            bool on = movdir != "0";
            options = options with { Movdir64B = on };
            Note("PMEM_MOVDIR64B", movdir, on
                ? "MOVDIR64B requested: whole lines of non-temporal copies and fills use it if the CPU reports it"
                : "MOVDIR64B stays off");
        }

        if (getVariable("PMEM_WC_WORKAROUND") is { } wc)
        {
            bool? value = wc switch { "1" => true, "0" => false, _ => null };
            options = options with { WcWorkaround = value };
            Note("PMEM_WC_WORKAROUND", wc, value switch
            {
                true => "a fence every 12 lines of non-temporal stores",
                false => "no write-combining fences",
                null => "ignored, only \"1\" or \"0\" have an effect",
            });
        }

        if (getVariable("PMEM_NO_GENERIC_MEMCPY") is { } generic)
        {
            bool on = CNumberParsing.AtoLL(generic) != 0;
            options = options with { NoGenericMemcpy = on };
            Note("PMEM_NO_GENERIC_MEMCPY", generic, on
                ? "without non-temporal stores, copies use memmove instead of 8-byte stores"
                : "atoll reads 0, no effect");
        }

        if (getVariable("PMEM2_FORCE_GRANULARITY") is { } granularity)
        {
            PmemGranularity? value = granularity.ToUpperInvariant() switch
            {
                "BYTE" => PmemGranularity.Byte,
                "CACHE_LINE" or "CACHELINE" => PmemGranularity.CacheLine,
                "PAGE" => PmemGranularity.Page,
                _ => null,
            };
            options = options with { ForceGranularity = value };
            Note("PMEM2_FORCE_GRANULARITY", granularity, value is { } g
                ? $"shared file mappings get {g} granularity (private and anonymous ones stay Byte)"
                : "ignored, expected BYTE, CACHE_LINE, CACHELINE or PAGE");
        }

        foreach (string name in (ReadOnlySpan<string>)["PMEM_LOG_LEVEL", "PMEM_LOG_FILE", "PMEM2_LOG_LEVEL", "PMEM2_LOG_FILE", "PMDK_LOG_ALIGN", "PMREORDER_EMIT_LOG"])
        {
            if (getVariable(name) is { } value)
            {
                Note(name, value, "seen; configures PMDK's debug logging or pmreorder, which Pmem does not have, no effect");
            }
        }

        options = ParseParallel(getVariable, options, notes);
        return options with { Notes = notes.Count == 0 ? Array.Empty<string>() : notes.ToArray() };

        bool OnlyOne(string name, string meaning)
        {
            if (getVariable(name) is not { } value)
            {
                return false;
            }

            bool on = value == "1";
            Note(name, value, on ? meaning : "ignored, only \"1\" enables it");
            return on;
        }

        bool OnlyZero(string name, string meaning)
        {
            if (getVariable(name) is not { } value)
            {
                return false;
            }

            bool off = value == "0";
            Note(name, value, off ? meaning : "ignored, only \"0\" has an effect");
            return off;
        }
    }
}
