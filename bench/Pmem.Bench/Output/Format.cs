using System.Globalization;

namespace Pmem.Bench;

internal static class Format
{
    private static readonly CultureInfo s_ci = CultureInfo.InvariantCulture;

    /// <summary>Three significant digits in ns, µs, ms or s.</summary>
    public static string Time(double ns) => ns switch
    {
        double.NaN => "–",
        < 1e3 => Significant(ns) + " ns",
        < 1e6 => Significant(ns / 1e3) + " µs",
        < 1e9 => Significant(ns / 1e6) + " ms",
        _ => Significant(ns / 1e9) + " s",
    };

    public static string Size(long bytes) => bytes switch
    {
        >= 1L << 30 when bytes % (1L << 30) == 0 => $"{bytes >> 30} GiB",
        >= 1L << 20 when bytes % (1L << 20) == 0 => $"{bytes >> 20} MiB",
        >= 1L << 10 when bytes % (1L << 10) == 0 => $"{bytes >> 10} KiB",
        _ => $"{bytes} B",
    };

    public static string Ratio(double r) => r.ToString(r < 10 ? "0.00" : "0.0", s_ci);

    public static string Percent(double fraction) => (fraction * 100).ToString(fraction < 0.1 ? "0.0" : "0", s_ci) + "%";

    public static string Bandwidth(double gbPerSecond) => Significant(gbPerSecond) + " GB/s";

    private static string Significant(double v) => v.ToString(v switch
    {
        < 10 => "0.00",
        < 100 => "0.0",
        _ => "0",
    }, s_ci);
}
