namespace CredalDistill.Metrics;

/// <summary>
/// A percentile interval <c>[Lower, Upper]</c> of bootstrap replicate values: with the <c>m</c> finite-or-infinite
/// (non-NaN) values sorted, the quantile at probability <c>q</c> is the linear interpolation at position <c>(m - 1) q</c>
/// (numpy's default, Hyndman-Fan type 7), and a level-<c>L</c> interval takes <c>q = (1 - L)/2</c> and <c>(1 + L)/2</c>.
/// NaN bounds when no value is left.
/// </summary>
/// <param name="Lower">Lower percentile bound.</param>
/// <param name="Upper">Upper percentile bound.</param>
public readonly record struct BootstrapInterval(double Lower, double Upper)
{
    /// <summary>The level of the intervals <c>credal evaluate</c> reports, 0.95.</summary>
    public const double DefaultLevel = 0.95;

    /// <summary><c>Upper - Lower</c>.</summary>
    public double Width => Upper - Lower;

    /// <summary>True when <c>Lower &lt;= value &lt;= Upper</c>.</summary>
    public bool Contains(double value) => Lower <= value && value <= Upper;

    /// <summary>True when the interval lies strictly on one side of 0 (a difference that is "distinguishable").</summary>
    public bool ExcludesZero => Lower > 0.0 || Upper < 0.0;

    /// <summary>The level-<paramref name="level"/> percentile interval of <paramref name="values"/> (NaN values left out).</summary>
    /// <param name="values">Replicate values, any order.</param>
    /// <param name="level">Coverage level in (0, 1), e.g. 0.95.</param>
    public static BootstrapInterval Percentile(ReadOnlySpan<double> values, double level = DefaultLevel)
    {
        if (!(level > 0.0 && level < 1.0))
        {
            throw new ArgumentOutOfRangeException(nameof(level), level, "level must be in (0, 1).");
        }

        var sorted = new double[values.Length];
        int m = 0;
        foreach (double v in values)
        {
            if (!double.IsNaN(v))
            {
                sorted[m++] = v;
            }
        }

        if (m == 0)
        {
            return new BootstrapInterval(double.NaN, double.NaN);
        }

        Array.Sort(sorted, 0, m);
        double tail = (1.0 - level) / 2.0;
        return new BootstrapInterval(Quantile(sorted.AsSpan(0, m), tail), Quantile(sorted.AsSpan(0, m), 1.0 - tail));
    }

    /// <summary>Type-7 quantile of ascending <paramref name="sorted"/> values at probability <paramref name="q"/>.</summary>
    private static double Quantile(ReadOnlySpan<double> sorted, double q)
    {
        double h = (sorted.Length - 1) * q;
        int lo = (int)Math.Floor(h);
        double fraction = h - lo;
        if (lo + 1 >= sorted.Length || fraction == 0.0 || sorted[lo] == sorted[lo + 1])
        {
            return sorted[lo];
        }

        return sorted[lo] + (fraction * (sorted[lo + 1] - sorted[lo]));
    }
}
