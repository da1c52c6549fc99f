using CredalDistill.Validation;

namespace CredalDistill.Credal;

/// <summary>
/// Cuzzolin's intersection probability of a probability interval <c>[l, u]</c>:
/// <c>p_int = l + beta (u - l)</c>, <c>beta = (1 - sum_k l_k) / sum_k (u_k - l_k)</c>; the centre <c>p</c> when
/// <c>sum_k (u_k - l_k) = 0</c>. The paper's headline single-distribution output of CD-CI.
/// </summary>
public static class IntersectionProbability
{
    /// <summary>Writes the intersection probability of <c>[lower, upper]</c> into <paramref name="destination"/>. Allocation-free.</summary>
    /// <param name="lower">Lower probabilities (sum &lt;= 1).</param>
    /// <param name="upper">Upper probabilities (sum &gt;= 1), <c>upper_k &gt;= lower_k</c>.</param>
    /// <param name="center">Returned when the interval is degenerate (the edge output <c>p</c>).</param>
    /// <param name="destination">Receives the distribution.</param>
    public static void Compute(ReadOnlySpan<double> lower, ReadOnlySpan<double> upper, ReadOnlySpan<double> center, Span<double> destination)
    {
        Check.SameLength(lower.Length, upper.Length, nameof(upper));
        Check.SameLength(lower.Length, center.Length, nameof(center));
        Check.SameLength(lower.Length, destination.Length, nameof(destination));
        for (int k = 0; k < lower.Length; k++)
        {
            if (!(lower[k] <= upper[k]) || lower[k] < 0.0 || upper[k] > 1.0 + 1e-9)
            {
                throw new ArgumentException($"interval entry {k}: need 0 <= lower <= upper <= 1; got [{Check.Format(lower[k])}, {Check.Format(upper[k])}].", nameof(lower));
            }
        }

        ComputeUnchecked(lower, upper, center, destination);
    }

    internal static void ComputeUnchecked(ReadOnlySpan<double> lower, ReadOnlySpan<double> upper, ReadOnlySpan<double> center, Span<double> destination)
    {
        double sumWidth = 0.0;
        for (int k = 0; k < lower.Length; k++)
        {
            sumWidth += upper[k] - lower[k];
        }

        if (!(sumWidth > 0.0))
        {
            center.CopyTo(destination);
            return;
        }

        Combine(lower, upper, Slack(lower, 1.0 - lower[Metrics.MetricInput.ArgMax(lower)]), sumWidth, destination);
    }

    /// <summary>
    /// The intersection probability from exact bounds and their complements <c>1 - lower</c>, <c>1 - upper</c>
    /// (<see cref="CredalBounds.ComputeLog"/>): <c>1 - sum l</c> is taken as <c>(1 - l_m) - sum_{k != m} l_k</c> with <c>m</c> the
    /// largest lower bound, and a width above 1/2 as <c>(1 - l_k) - (1 - u_k)</c>, so a near-one-hot row keeps relative precision.
    /// The result lies in <c>[l, u]</c> and sums to 1 up to rounding.
    /// </summary>
    internal static void ComputeExact(ReadOnlySpan<double> lower, ReadOnlySpan<double> upper, ReadOnlySpan<double> lowerComplement, ReadOnlySpan<double> upperComplement, Span<double> destination)
    {
        double sumWidth = 0.0;
        for (int k = 0; k < lower.Length; k++)
        {
            sumWidth += upper[k] <= 0.5 ? upper[k] - lower[k] : lowerComplement[k] - upperComplement[k];
        }

        if (!(sumWidth > 0.0))
        {
            lower.CopyTo(destination); // lower = p = upper
            return;
        }

        Combine(lower, upper, Slack(lower, lowerComplement[Metrics.MetricInput.ArgMax(lower)]), sumWidth, destination);
    }

    /// <summary><c>1 - sum_k l_k</c> as <c>(1 - l_m) - sum_{k != m} l_k</c>, <c>m</c> the largest lower bound.</summary>
    private static double Slack(ReadOnlySpan<double> lower, double complementOfLargest)
    {
        int m = Metrics.MetricInput.ArgMax(lower);
        double slack = complementOfLargest;
        for (int k = 0; k < lower.Length; k++)
        {
            if (k != m)
            {
                slack -= lower[k];
            }
        }

        return Math.Max(slack, 0.0);
    }

    private static void Combine(ReadOnlySpan<double> lower, ReadOnlySpan<double> upper, double slack, double sumWidth, Span<double> destination)
    {
        double beta = Math.Min(slack / sumWidth, 1.0);
        for (int k = 0; k < lower.Length; k++)
        {
            destination[k] = Math.Min(lower[k] + (beta * (upper[k] - lower[k])), upper[k]);
        }
    }
}
