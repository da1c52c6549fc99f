using System.Globalization;
using System.Numerics;

namespace CredalDistill.Engines;

/// <summary>
/// The conformal rank <c>k = ceil((n + 1)(1 - eps))</c> in exact integer arithmetic as SQL text (the C# rank is the core's,
/// <c>SplitConformal.Rank</c>, from the same decimal reading of eps).
/// </summary>
/// <remarks>
/// <c>eps</c> is taken as the decimal it is written as: its shortest round-trip string (<c>0.1</c>, not the binary
/// double nearest to it), so <c>eps = a / b</c> with <c>b</c> a power of ten, reduced to lowest terms. Then
/// <c>k = ((n + 1)(b - a) + b - 1) div b</c>, with no rounding anywhere. The SQL form needs an integer type wide enough
/// for <c>(n + 1) b</c>: with <c>n &lt; 2^63</c> and <c>b &lt;= 10^18</c> that is below <c>10^38</c>, which is why eps
/// may have at most 18 decimal places (HUGEINT, NUMERIC and DECIMAL(38, 0) hold it).
/// </remarks>
public sealed class ExactRank
{
    /// <summary>The largest denominator accepted, <c>10^18</c>.</summary>
    public static readonly BigInteger MaximumDenominator = BigInteger.Pow(10, 18);

    private ExactRank(double epsilon, BigInteger numerator, BigInteger denominator)
    {
        Epsilon = epsilon;
        Numerator = numerator;
        Denominator = denominator;
    }

    /// <summary>The miscoverage as given.</summary>
    public double Epsilon { get; }

    /// <summary><c>a</c> of <c>eps = a / b</c> in lowest terms.</summary>
    public BigInteger Numerator { get; }

    /// <summary><c>b</c> of <c>eps = a / b</c> in lowest terms (a divisor of a power of ten).</summary>
    public BigInteger Denominator { get; }

    /// <summary><c>eps</c> as an exact fraction of its shortest round-trip decimal.</summary>
    /// <exception cref="ArgumentOutOfRangeException">Not in (0, 1), or more than 18 decimal places.</exception>
    public static ExactRank For(double epsilon)
    {
        if (!(epsilon > 0.0 && epsilon < 1.0))
        {
            throw new ArgumentOutOfRangeException(nameof(epsilon), epsilon, "epsilon must lie strictly between 0 and 1.");
        }

        // The shortest round-trip decimal a / 10^s of the core's exact rank, reduced to lowest terms.
        var (a, b) = Conformal.ExactRank.Decimal(epsilon);
        var g = BigInteger.GreatestCommonDivisor(a, b);
        a /= g;
        b /= g;
        if (b > MaximumDenominator)
        {
            throw new ArgumentOutOfRangeException(nameof(epsilon), epsilon, $"epsilon = {epsilon.ToString("R", CultureInfo.InvariantCulture)} has more than 18 decimal places; the exact rank in SQL needs eps = a / b with b <= 10^18.");
        }

        return new ExactRank(epsilon, a, b);
    }

    /// <summary><c>k = ceil((n + 1)(1 - eps))</c>, exactly; may exceed <paramref name="n"/> (then the threshold is unbounded).</summary>
    /// <param name="n">The number of scores, <c>n &gt;= 0</c>.</param>
    public long Rank(long n)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(n);
        return Conformal.ExactRank.Conformal(n, Epsilon);
    }

    /// <summary>The SQL expression of <c>k</c> for the row count expression <paramref name="n"/> (a BIGINT), as BIGINT.</summary>
    /// <param name="dialect">The SQL dialect (its exact integer type and integer division).</param>
    /// <param name="n">SQL text of the row count.</param>
    public string Sql(SqlDialect dialect, string n)
    {
        ArgumentNullException.ThrowIfNull(dialect);
        var b = Denominator;
        string wide = $"(CAST({n} AS {dialect.ExactInteger}) + 1) * {Literal(b - Numerator)} + {Literal(b - BigInteger.One)}";
        return $"CAST({dialect.IntegerDivide(wide, Literal(b))} AS BIGINT)";

        string Literal(BigInteger v) => $"CAST({v.ToString(CultureInfo.InvariantCulture)} AS {dialect.ExactInteger})";
    }
}
