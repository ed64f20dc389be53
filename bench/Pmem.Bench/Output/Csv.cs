using System.Collections.Generic;
using System.Linq;
using System.Text;

namespace Pmem.Bench;

/// <summary>Minimal RFC 4180 CSV: fields with commas or quotes are quoted.</summary>
internal static class Csv
{
    public static string Line(params object[] fields) =>
        string.Join(',', fields.Select(f => Quote(System.Convert.ToString(f, System.Globalization.CultureInfo.InvariantCulture) ?? "")));

    public static List<string> Split(string line)
    {
        var fields = new List<string>();
        var current = new StringBuilder();
        bool quoted = false;
        for (int i = 0; i < line.Length; i++)
        {
            char c = line[i];
            if (quoted)
            {
                if (c == '"' && i + 1 < line.Length && line[i + 1] == '"')
                {
                    current.Append('"');
                    i++;
                }
                else if (c == '"')
                {
                    quoted = false;
                }
                else
                {
                    current.Append(c);
                }
            }
            else if (c == '"')
            {
                quoted = true;
            }
            else if (c == ',')
            {
                fields.Add(current.ToString());
                current.Clear();
            }
            else
            {
                current.Append(c);
            }
        }

        fields.Add(current.ToString());
        return fields;
    }

    private static string Quote(string s) =>
        s.Contains(',') || s.Contains('"') ? "\"" + s.Replace("\"", "\"\"") + "\"" : s;
}
