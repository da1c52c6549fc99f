using System.Globalization;
using System.Numerics;

namespace CredalDistill.Conformal;

/// <summary>
/// Conformal ranks in exact arithmetic. A miscoverage or quantile level given as a double stands for the decimal a
/// user typed: its shortest round-trip decimal string (<c>0.3</c>, not <c>0.299999999999999988898</c>). The rank
/// <c>ceil(m q)</c> is then computed with integers: <c>q = a / 10^s</c> and <c>ceil(m a / 10^s)</c> in
/// <see cref="BigInteger"/>, so no tolerance is needed and no rounding can move the rank by one at any <c>n</c>
/// (floating point gives <c>90 * (1 - 0.3) = 63.00000000000001</c>; a relative tolerance instead returns one rank too
/// few for <c>n = 1,234,567,890</c>, <c>eps = 0.05</c>).
/// </summary>
internal static class ExactRank
{
    /// <summary>The split-conformal rank <c>k = ceil((n + 1)(1 - eps))</c>, at least 1.</summary>
    /// <param name="n">Calibration size, <c>n &gt;= 0</c>.</param>
    /// <param name="epsilon">Miscoverage in (0, 1), read as its shortest decimal.</param>
    public static long Conformal(long n, double epsilon)
    {
        var (a, scale) = Decimal(epsilon);
        // (n + 1)(1 - a / scale) = (n + 1)(scale - a) / scale.
        var k = CeilingDivide((n + 1) * (scale - a), scale);
        return Math.Max(1L, (long)k);
    }

    /// <summary><c>ceil(m q)</c> for a count <paramref name="m"/> and a level <paramref name="q"/> in [0, 1] read as its shortest decimal.</summary>
    public static long Ceiling(long m, double q)
    {
        var (a, scale) = Decimal(q);
        return (long)CeilingDivide(m * a, scale);
    }

    /// <summary>
    /// The least <c>n &gt;= 1</c> with <c>ceil((n + 1)(1 - eps)) &lt;= n</c>: <c>(n + 1)(scale - a) &lt;= n scale</c> iff
    /// <c>n a &gt;= scale - a</c>, so <c>n = max(1, ceil((scale - a) / a))</c>. Null when it does not fit a 64-bit integer.
    /// </summary>
    public static long? MinimumSize(double epsilon)
    {
        var (a, scale) = Decimal(epsilon);
        var n = BigInteger.Max(BigInteger.One, CeilingDivide(scale - a, a));
        return n <= long.MaxValue ? (long)n : null;
    }

    /// <summary>
    /// A non-negative finite double as <c>a / scale</c>, <c>scale = 10^s</c>, from its shortest round-trip decimal string
    /// (the "R" format of .NET, e.g. <c>0.05</c>, <c>1E-05</c>, <c>1.2345678901234567E-15</c>).
    /// </summary>
    internal static (BigInteger Numerator, BigInteger Scale) Decimal(double value)
    {
        if (!(value >= 0.0) || !double.IsFinite(value))
        {
            throw new ArgumentOutOfRangeException(nameof(value), value, "a rank level must be finite and non-negative.");
        }

        string text = value.ToString("R", CultureInfo.InvariantCulture);
        int exponent = 0;
        int e = text.IndexOfAny(['E', 'e']);
        if (e >= 0)
        {
            exponent = int.Parse(text.AsSpan(e + 1), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture);
            text = text[..e];
        }

        int dot = text.IndexOf('.', StringComparison.Ordinal);
        string digits = dot < 0 ? text : string.Concat(text.AsSpan(0, dot), text.AsSpan(dot + 1));
        int fraction = (dot < 0 ? 0 : text.Length - dot - 1) - exponent;
        var numerator = BigInteger.Parse(digits, NumberStyles.None, CultureInfo.InvariantCulture);
        if (fraction < 0)
        {
            return (numerator * BigInteger.Pow(10, -fraction), BigInteger.One);
        }

        return (numerator, BigInteger.Pow(10, fraction));
    }

    private static BigInteger CeilingDivide(BigInteger numerator, BigInteger denominator)
    {
        var quotient = BigInteger.DivRem(numerator, denominator, out var remainder);
        return remainder.Sign > 0 ? quotient + 1 : quotient;
    }
}
