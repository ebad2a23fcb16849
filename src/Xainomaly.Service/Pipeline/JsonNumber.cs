using System.Globalization;
using System.Runtime.CompilerServices;

namespace Xainomaly.Service.Pipeline;

/// <summary>
/// Writes a double as UTF-8 JSON number text: exactly the bytes <see cref="System.Text.Json.Utf8JsonWriter"/> writes
/// (the shortest text that parses back to the same double), faster for the values the service formats most.
/// </summary>
/// <remarks>
/// KPI values arrive as short decimal text (<c>-87.5</c>, <c>0.75</c>), so their shortest round-trip text is a
/// decimal m·10⁻ᵏ with few digits. The fast path finds the smallest k for which m = round(|v|·10ᵏ) satisfies
/// m / 10ᵏ == |v| in double arithmetic (one correctly rounded division, i.e. the decimal parses back to v) and writes
/// m with k decimals. With m &lt; 10¹⁵ the spacing 10⁻ᵏ is wider than an ulp of v, so at most one k-decimal lies in v's
/// rounding interval, and a shorter round-trip decimal would have been found at a smaller k (|v|·10ᵏ is computed to
/// within m·2⁻⁵², far less than ½): the result is the shortest round-trip text, which is what the runtime writes. The
/// range is the one where the runtime writes positional notation (10⁻⁴ ≤ |v| &lt; 10¹⁵); everything else (zeros,
/// 17-digit values such as float-derived scores, exponents) goes through the runtime's own formatter.
/// </remarks>
internal static class JsonNumber
{
    /// <summary>Bytes enough for any double's text.</summary>
    public const int MaxLength = 32;

    private static readonly double[] Pow10 =
    [
        1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19,
    ];

    /// <summary>Writes finite <paramref name="value"/> into <paramref name="destination"/> (≥ <see cref="MaxLength"/> bytes); returns the length.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int Write(double value, Span<byte> destination)
    {
        int n = TryShortDecimal(value, destination);
        return n > 0 ? n : WriteGeneral(value, destination);
    }

    // The runtime's shortest round-trip formatting, as Utf8JsonWriter uses it.
    private static int WriteGeneral(double value, Span<byte> destination)
    {
        if (!value.TryFormat(destination, out int written, default, CultureInfo.InvariantCulture))
            throw new ArgumentException("The destination is too small for a number.", nameof(destination));
        return written;
    }

    // Returns the length written, or 0 when the value is outside the fast path.
    private static int TryShortDecimal(double value, Span<byte> destination)
    {
        double a = Math.Abs(value);
        if (!(a >= 1e-4 && a < 1e15)) return 0;
        for (int k = 0; k < Pow10.Length; k++)
        {
            double p = Pow10[k];
            double s = a * p;
            if (s >= 1e15) return 0;
            double m = Math.Round(s);
            if (m / p != a) continue;
            return WriteDecimal(value < 0, (ulong)m, k, destination);
        }
        return 0;
    }

    // Writes ±m·10⁻ᵏ positionally: integer digits, then k decimals (leading zeros kept, trailing ones never occur).
    private static int WriteDecimal(bool negative, ulong m, int k, Span<byte> destination)
    {
        Span<byte> digits = stackalloc byte[20];
        int count = 0;
        do
        {
            ulong q = m / 10;
            digits[19 - count++] = (byte)('0' + (int)(m - (q * 10)));
            m = q;
        }
        while (m != 0);
        var text = digits[(20 - count)..];
        int at = 0;
        if (negative) destination[at++] = (byte)'-';
        if (k == 0)
        {
            text.CopyTo(destination[at..]);
            return at + count;
        }
        if (count <= k)
        {
            // 0.000ddd
            destination[at++] = (byte)'0';
            destination[at++] = (byte)'.';
            for (int z = count; z < k; z++) destination[at++] = (byte)'0';
            text.CopyTo(destination[at..]);
            return at + count;
        }
        int whole = count - k;
        text[..whole].CopyTo(destination[at..]);
        at += whole;
        destination[at++] = (byte)'.';
        text[whole..].CopyTo(destination[at..]);
        return at + k;
    }
}
