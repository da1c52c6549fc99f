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
        double sumLower = 0.0;
        double sumWidth = 0.0;
        for (int k = 0; k < lower.Length; k++)
        {
            sumLower += lower[k];
            sumWidth += upper[k] - lower[k];
        }

        if (!(sumWidth > 0.0))
        {
            center.CopyTo(destination);
            return;
        }

        double beta = (1.0 - sumLower) / sumWidth;
        for (int k = 0; k < lower.Length; k++)
        {
            destination[k] = lower[k] + (beta * (upper[k] - lower[k]));
        }
    }
}
