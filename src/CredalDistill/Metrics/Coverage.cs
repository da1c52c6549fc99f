using CredalDistill.Conformal;
using CredalDistill.Divergences;
using CredalDistill.Validation;

namespace CredalDistill.Metrics;

/// <summary>
/// Empirical coverage of the credal sets: <c>(1/n) sum_i 1[D(p_cloud_i || p_edge_i) &lt;= gamma]</c>, the fraction of
/// test inputs whose cloud output lies in the edge's credal set. With <c>gamma = +infinity</c> every row is covered
/// (coverage 1, even for infinite scores).
/// </summary>
public static class Coverage
{
    /// <summary>Coverage <c>(1/n) sum_i 1[s_i &lt;= gamma]</c> of precomputed scores.</summary>
    /// <param name="scores">At least one score; NaN and -infinity rejected, +infinity allowed.</param>
    /// <param name="gamma">Threshold <c>gamma &gt;= 0</c> (nats), +infinity allowed.</param>
    public static double FromScores(ReadOnlySpan<double> scores, double gamma)
    {
        Check.Gamma(gamma, nameof(gamma));
        Check.NotEmpty(scores.Length, nameof(scores), "scores");
        Check.Scores(scores, nameof(scores));
        int covered = 0;
        foreach (double s in scores)
        {
            if (s <= gamma)
            {
                covered++;
            }
        }

        return (double)covered / scores.Length;
    }

    /// <summary>Coverage <c>(1/n) sum_i 1[D(cloud_i || edge_i) &lt;= gamma]</c> (cloud FIRST).</summary>
    /// <param name="cloud">Cloud outputs <c>p*(.|x_i)</c>, <c>n x K</c>, <c>n &gt;= 1</c>.</param>
    /// <param name="edge">Edge outputs on the same inputs, same shape.</param>
    /// <param name="gamma">Threshold <c>gamma &gt;= 0</c> (nats), +infinity allowed.</param>
    /// <param name="divergence">The divergence <c>D</c>; null means KL.</param>
    public static double Compute(ProbabilityMatrix cloud, ProbabilityMatrix edge, double gamma, FDivergence? divergence = null)
    {
        ArgumentNullException.ThrowIfNull(cloud);
        Check.Gamma(gamma, nameof(gamma));
        Check.NotEmpty(cloud.Rows, nameof(cloud));
        var scores = SplitConformal.Scores(cloud, edge, divergence ?? Divergence.KL);
        return FromScores(scores, gamma);
    }

    /// <summary>
    /// Coverage <c>(1/n) sum_i 1[D(cloud_i || edge_i) &lt;= gamma]</c> with the divergence and <c>gamma</c> of a
    /// calibrated <paramref name="threshold"/> (its class count must match).
    /// </summary>
    /// <param name="cloud">Cloud outputs on test inputs, <c>n x K</c>, <c>n &gt;= 1</c>.</param>
    /// <param name="edge">Edge outputs on the same inputs, same shape.</param>
    /// <param name="threshold">The calibrated threshold.</param>
    public static double Compute(ProbabilityMatrix cloud, ProbabilityMatrix edge, ConformalThreshold threshold)
    {
        ArgumentNullException.ThrowIfNull(cloud);
        ArgumentNullException.ThrowIfNull(threshold);
        Check.SameClasses(threshold.Classes, cloud.Classes, nameof(cloud));
        return Compute(cloud, edge, threshold.Gamma, threshold.Divergence);
    }
}
