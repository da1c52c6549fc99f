using CredalDistill.Validation;

namespace CredalDistill.Conformal;

/// <summary>
/// Order statistics of a set of conformity scores <c>s_1..s_n</c> (nats for divergence scores).
/// </summary>
/// <remarks>
/// <para>
/// +infinity scores are allowed (KL is infinite when the edge puts zero probability where the cloud does not).
/// They are counted in <see cref="Count"/> and <see cref="InfiniteCount"/>, sort above every finite score (so they
/// raise <see cref="Max"/>, <see cref="Median"/> and the upper quantiles), and make <see cref="Mean"/> +infinity;
/// <see cref="FiniteMean"/> is the mean over the finite scores only. NaN and -infinity are rejected.
/// </para>
/// <para>
/// Quantiles use the inverted empirical CDF, the rule of the conformal threshold:
/// <c>Q(q) = s_(ceil(n q))</c>, the <c>ceil(n q)</c>-th smallest score (numpy <c>method="inverted_cdf"</c>).
/// The median is the conventional one: the middle score for odd <c>n</c>, the average of the two middle scores
/// for even <c>n</c>.
/// </para>
/// </remarks>
public sealed record ScoreSummary
{
    private ScoreSummary(int count, int infiniteCount, double min, double median, double mean, double? finiteMean, double max, double q90, double q95, double q99)
    {
        Count = count;
        InfiniteCount = infiniteCount;
        Min = min;
        Median = median;
        Mean = mean;
        FiniteMean = finiteMean;
        Max = max;
        Quantile90 = q90;
        Quantile95 = q95;
        Quantile99 = q99;
    }

    /// <summary>Number of scores <c>n</c>, infinite ones included.</summary>
    public int Count { get; }

    /// <summary>Number of scores equal to +infinity.</summary>
    public int InfiniteCount { get; }

    /// <summary>Smallest score <c>s_(1)</c>.</summary>
    public double Min { get; }

    /// <summary>Median: <c>s_((n+1)/2)</c> for odd <c>n</c>, <c>(s_(n/2) + s_(n/2+1)) / 2</c> for even <c>n</c>.</summary>
    public double Median { get; }

    /// <summary>Mean <c>(1/n) sum_i s_i</c>; +infinity when any score is infinite.</summary>
    public double Mean { get; }

    /// <summary>Mean over the finite scores only; null when every score is infinite.</summary>
    public double? FiniteMean { get; }

    /// <summary>Largest score <c>s_(n)</c>.</summary>
    public double Max { get; }

    /// <summary>Inverted-CDF 0.9 quantile <c>s_(ceil(0.9 n))</c>.</summary>
    public double Quantile90 { get; }

    /// <summary>Inverted-CDF 0.95 quantile <c>s_(ceil(0.95 n))</c>.</summary>
    public double Quantile95 { get; }

    /// <summary>Inverted-CDF 0.99 quantile <c>s_(ceil(0.99 n))</c>.</summary>
    public double Quantile99 { get; }

    /// <summary>Summarises <paramref name="scores"/> (at least one; NaN and -infinity rejected). The span is not modified.</summary>
    public static ScoreSummary FromScores(ReadOnlySpan<double> scores)
    {
        Check.NotEmpty(scores.Length, nameof(scores), "scores");
        Check.Scores(scores, nameof(scores));
        var sorted = scores.ToArray();
        Array.Sort(sorted);
        return FromSorted(sorted);
    }

    /// <summary>Summary of already validated, ascending-sorted scores.</summary>
    internal static ScoreSummary FromSorted(ReadOnlySpan<double> sorted)
    {
        int n = sorted.Length;
        int infinite = 0;
        double finiteSum = 0.0;
        for (int i = 0; i < n; i++)
        {
            if (double.IsPositiveInfinity(sorted[i]))
            {
                infinite++;
            }
            else
            {
                finiteSum += sorted[i];
            }
        }

        int finite = n - infinite;
        double? finiteMean = finite > 0 ? finiteSum / finite : null;
        double mean = infinite > 0 ? double.PositiveInfinity : finiteSum / n;
        double median = n % 2 == 1 ? sorted[n / 2] : Midpoint(sorted[(n / 2) - 1], sorted[n / 2]);
        return new ScoreSummary(n, infinite, sorted[0], median, mean, finiteMean, sorted[n - 1], InvertedCdf(sorted, 0.9), InvertedCdf(sorted, 0.95), InvertedCdf(sorted, 0.99));
    }

    /// <summary><c>s_(ceil(n q))</c>, the rank in exact arithmetic like the conformal rank.</summary>
    private static double InvertedCdf(ReadOnlySpan<double> sorted, double q)
    {
        long k = ExactRank.Ceiling(sorted.Length, q);
        k = Math.Clamp(k, 1, sorted.Length);
        return sorted[(int)k - 1];
    }

    private static double Midpoint(double a, double b)
    {
        if (double.IsPositiveInfinity(b))
        {
            return double.PositiveInfinity;
        }

        return a + ((b - a) / 2.0);
    }
}
