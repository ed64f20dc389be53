namespace Pmem;

/// <summary>
/// The C library's number parsers, reproduced so that environment variables mean exactly what they mean to
/// libpmem: leading white space skipped, optional sign, digits until the first non-digit, saturation on overflow.
/// </summary>
internal static class CNumberParsing
{
    /// <summary>glibc <c>atoll</c> (= <c>strtoll(s, NULL, 10)</c>): 0 when no digits, saturates at the long range.</summary>
    internal static long AtoLL(string s)
    {
        int i = SkipSpace(s, 0);
        bool negative = false;
        if (i < s.Length && (s[i] == '+' || s[i] == '-'))
        {
            negative = s[i] == '-';
            i++;
        }

        // Accumulate as a negative number so that long.MinValue is representable.
        long value = 0;
        bool overflow = false;
        for (; i < s.Length && s[i] is >= '0' and <= '9'; i++)
        {
            int digit = s[i] - '0';
            if (value < (long.MinValue + digit) / 10)
            {
                overflow = true;
            }
            else
            {
                value = value * 10 - digit;
            }
        }

        if (overflow)
        {
            return negative ? long.MinValue : long.MaxValue;
        }

        return negative ? value : (value == long.MinValue ? long.MaxValue : -value);
    }

    /// <summary>glibc <c>atoi</c> (= <c>(int)strtol(s, NULL, 10)</c>, truncating like the C cast).</summary>
    internal static int AtoI(string s) => unchecked((int)AtoLL(s));

    /// <summary>
    /// glibc <c>strtoull(s, &amp;end, 16)</c> with libpmem's validity test (<c>errno || end == s</c> means invalid):
    /// optional <c>0x</c> prefix, a leading minus negates modulo 2^64 as C does.
    /// </summary>
    internal static bool TryStrtoullHex(string s, out ulong value)
    {
        value = 0;
        int i = SkipSpace(s, 0);
        bool negative = false;
        if (i < s.Length && (s[i] == '+' || s[i] == '-'))
        {
            negative = s[i] == '-';
            i++;
        }

        if (i + 1 < s.Length && s[i] == '0' && (s[i + 1] == 'x' || s[i + 1] == 'X') && i + 2 < s.Length && IsHex(s[i + 2]))
        {
            i += 2;
        }

        int start = i;
        bool overflow = false;
        for (; i < s.Length && IsHex(s[i]); i++)
        {
            if (value > (ulong.MaxValue >> 4))
            {
                overflow = true;
            }

            value = (value << 4) | (uint)HexValue(s[i]);
        }

        if (i == start || overflow)
        {
            value = 0;
            return false;
        }

        if (negative)
        {
            value = unchecked(0 - value);
        }

        return true;
    }

    private static int SkipSpace(string s, int i)
    {
        while (i < s.Length && s[i] is ' ' or '\t' or '\n' or '\v' or '\f' or '\r')
        {
            i++;
        }

        return i;
    }

    private static bool IsHex(char c) => c is (>= '0' and <= '9') or (>= 'a' and <= 'f') or (>= 'A' and <= 'F');

    private static int HexValue(char c) => c <= '9' ? c - '0' : (c | 0x20) - 'a' + 10;
}
