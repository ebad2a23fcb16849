using System.Globalization;

namespace Xainomaly.Service.Pipeline;

/// <summary>
/// Measurement times: the ISO 8601 forms UE reports use (<c>2021-06-25T11:42:33.685</c>, with <c>Z</c> or an offset)
/// read digit by digit, everything else by <see cref="DateTimeOffset.TryParse(string, IFormatProvider, DateTimeStyles, out DateTimeOffset)"/>,
/// with the same result: UTC, assumed when the text names no offset.
/// </summary>
internal static class IsoTime
{
    private const DateTimeStyles Styles = DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal;

    /// <summary>Parses a measurement time: ISO 8601, UTC unless an offset is given.</summary>
    public static bool TryParse(string text, out DateTimeOffset time)
    {
        if (text.Length <= 40)
        {
            Span<byte> ascii = stackalloc byte[40];
            int n = 0;
            foreach (char c in text)
            {
                if (c > 127) break;
                ascii[n++] = (byte)c;
            }
            if (n == text.Length && TryParseCommon(ascii[..n], out time)) return true;
        }
        return DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, Styles, out time);
    }

    /// <summary>
    /// The common forms only: <c>yyyy-MM-ddTHH:mm:ss</c>, optionally <c>.f</c> to <c>.fffffff</c>, then nothing,
    /// <c>Z</c> or <c>±HH:mm</c>. False for anything else (which may still be a time: ask <see cref="TryParse"/>).
    /// </summary>
    public static bool TryParseCommon(ReadOnlySpan<byte> s, out DateTimeOffset time)
    {
        time = default;
        if (s.Length < 19 || s[4] != '-' || s[7] != '-' || s[10] != 'T' || s[13] != ':' || s[16] != ':') return false;
        if (!Digits(s, 0, 4, out int year) || !Digits(s, 5, 2, out int month) || !Digits(s, 8, 2, out int day)
            || !Digits(s, 11, 2, out int hour) || !Digits(s, 14, 2, out int minute) || !Digits(s, 17, 2, out int second))
            return false;
        // Years at the ends of the range could leave it after the offset is applied: the general parser decides those.
        if (year is < 2 or > 9998 || month is < 1 or > 12 || day < 1 || day > DateTime.DaysInMonth(year, month) || hour > 23 || minute > 59 || second > 59)
            return false;
        long ticks = new DateTime(year, month, day, hour, minute, second, DateTimeKind.Utc).Ticks;
        int at = 19;
        if (at < s.Length && s[at] == '.')
        {
            int start = ++at;
            long fraction = 0;
            while (at < s.Length && char.IsAsciiDigit((char)s[at])) fraction = (fraction * 10) + (s[at++] - '0');
            int digits = at - start;
            if (digits is < 1 or > 7) return false;
            for (int k = digits; k < 7; k++) fraction *= 10;
            ticks += fraction;
        }
        if (at < s.Length)
        {
            if (s[at] == 'Z')
            {
                at++;
            }
            else if (s[at] is (byte)'+' or (byte)'-' && s.Length - at == 6 && s[at + 3] == ':'
                && Digits(s, at + 1, 2, out int oh) && Digits(s, at + 4, 2, out int om) && oh <= 13 && om <= 59)
            {
                long offset = ((oh * 60L) + om) * TimeSpan.TicksPerMinute;
                ticks -= s[at] == '+' ? offset : -offset;
                at += 6;
            }
            else
            {
                return false;
            }
        }
        if (at != s.Length) return false;
        time = new DateTimeOffset(ticks, TimeSpan.Zero);
        return true;
    }

    private static bool Digits(ReadOnlySpan<byte> s, int start, int count, out int value)
    {
        value = 0;
        for (int i = start; i < start + count; i++)
        {
            int d = s[i] - '0';
            if ((uint)d > 9) return false;
            value = (value * 10) + d;
        }
        return true;
    }
}
