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

    private static readonly UInt128[] Pow5 = BuildPow5(24);

    /// <summary>Writes finite <paramref name="value"/> into <paramref name="destination"/> (≥ <see cref="MaxLength"/> bytes); returns the length.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int Write(double value, Span<byte> destination)
    {
        int n = TryWriteShortest(value, destination);
        return n > 0 ? n : WriteGeneral(value, destination);
    }

    // The runtime's shortest round-trip formatting, as Utf8JsonWriter uses it.
    private static int WriteGeneral(double value, Span<byte> destination)
    {
        if (!value.TryFormat(destination, out int written, default, CultureInfo.InvariantCulture))
            throw new ArgumentException("The destination is too small for a number.", nameof(destination));
        return written;
    }

    /// <summary>The fast path alone: the length written, or 0 when it leaves <paramref name="value"/> to the runtime.</summary>
    internal static int TryWriteShortest(double value, Span<byte> destination)
    {
        double a = Math.Abs(value);
        if (!(a >= 1e-4 && a < 1e15)) return 0;
        // k such that a·10ᵏ has 15 digits: floor(log₂ a)·log₁₀ 2 is floor(log₁₀ a) or one less, then adjust.
        int k = 14 - ((Math.ILogB(a) * 1233) >> 12);
        if (k > 19) k = 19;
        double s = a * Pow10[k];
        while (s >= 1e15)
        {
            s = a * Pow10[--k];
        }
        while (s < 1e14 && k < 19)
        {
            s = a * Pow10[++k];
        }
        // A decimal with fewer digits that parses to a makes this one (the same number with trailing zeros) parse to a
        // too, so one test covers every length up to 15 digits; the zeros of m give the shortest.
        double m = Math.Round(s);
        if (m / Pow10[k] == a)
        {
            ulong digits = (ulong)m;
            while (k > 0 && digits % 10 == 0)
            {
                digits /= 10;
                k--;
            }
            return WriteDecimal(value < 0, digits, k, destination);
        }
        return TryLongDecimal(value, a, k + 1, destination);
    }

    // 16 or 17 digits (the shortest of every double needs at most 17), decided in exact integer arithmetic: with
    // a = f·2ᵉ, a·10ᵏ = f·5ᵏ / 2ˢʰ (sh = −e−k). A k-decimal candidate c parses to a when its distance to a·10ᵏ is below
    // half the gap to a's neighbour (10ᵏ·2ᵉ⁻¹ = 5ᵏ / 2ˢʰ⁺¹; a quarter below a power of two, whose lower gap is half).
    // Distances never equal that bound (5ᵏ is odd), so no tie rule is needed there. Of the round-tripping candidates of
    // the fewest digits the runtime writes the nearest; an exact tie between two goes to the runtime's formatter.
    private static int TryLongDecimal(double value, double a, int k16, Span<byte> destination)
    {
        long bits = BitConverter.DoubleToInt64Bits(a);
        long fraction = bits & ((1L << 52) - 1);
        int biased = (int)(bits >> 52);
        if (biased == 0) return 0;
        UInt128 f = (ulong)fraction | (1UL << 52);
        int e = biased - 1075;
        bool lowerCloser = fraction == 0 && biased > 1;
        for (int k = k16; k <= k16 + 1; k++)
        {
            int sh = -(e + k);
            if (k >= Pow5.Length || sh <= 0 || sh >= 120) return 0;
            UInt128 n = f * Pow5[k];
            UInt128 q = n >> sh;
            UInt128 below = n - (q << sh);            // a·10ᵏ − q, in units of 2⁻ˢʰ
            UInt128 above = (UInt128.One << sh) - below; // q + 1 − a·10ᵏ
            UInt128 bound = Pow5[k];
            bool lowOk = (lowerCloser ? below << 2 : below << 1) < bound;
            bool highOk = above << 1 < bound;
            bool last = k == k16 + 1;
            if (!lowOk && !highOk && !last) continue;
            bool high;
            if (lowOk && highOk || last)
            {
                if (below == above) return 0;
                high = above < below;
            }
            else
            {
                high = highOk;
            }
            if (last && !(high ? highOk : lowOk)) return 0;
            UInt128 m = high ? q + 1 : q;
            if (m >= (UInt128)100_000_000_000_000_000UL) return 0;
            ulong digits = (ulong)m;
            int decimals = k;
            while (decimals > 0 && digits % 10 == 0)
            {
                digits /= 10;
                decimals--;
            }
            return WriteDecimal(value < 0, digits, decimals, destination);
        }
        return 0;
    }

    private static UInt128[] BuildPow5(int count)
    {
        var p = new UInt128[count];
        p[0] = 1;
        for (int i = 1; i < count; i++) p[i] = p[i - 1] * 5;
        return p;
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
