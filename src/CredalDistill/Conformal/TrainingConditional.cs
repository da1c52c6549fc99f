using CredalDistill.Divergences;
using CredalDistill.Validation;

namespace CredalDistill.Conformal;

/// <summary>
/// PAC (training-conditional) CD-CI threshold, METHOD.md section 3.4: for continuous scores the coverage of
/// <c>s_(k)</c> over calibration draws is <c>Beta(k, n + 1 - k)</c>; take the smallest <c>k</c> with
/// <c>1 - BetaCDF(1 - eps; k, n + 1 - k) &gt;= 1 - delta</c> and <c>gamma = s_(k)</c> (+infinity when no <c>k &lt;= n</c>
/// qualifies). Then <c>P_cal( P(D(p_cloud || p_edge) &lt;= gamma) &gt;= 1 - eps ) &gt;= 1 - delta</c>.
/// </summary>
/// <remarks>
/// <c>BetaCDF(x; k, n + 1 - k) = P(Binomial(n, x) &gt;= k)</c> (the k-th of n uniforms is below x exactly when at least k
/// are), so the condition reads <c>P(Binomial(n, 1 - eps) &gt; k - 1) &lt;= delta</c>: <c>k - 1</c> is the smallest
/// <c>m</c> whose binomial upper tail <c>P(X &gt; m)</c> is at most <c>delta</c>. The tail is summed from <c>X = n</c>
/// downwards in the log domain (no cancellation in <c>1 - CDF</c>), O(n - k) work.
/// </remarks>
public static class TrainingConditional
{
    /// <summary>
    /// The PAC rank: the smallest <c>k</c> with <c>P(Binomial(n, 1 - eps) &gt;= k) &lt;= delta</c>, in <c>[1, n + 1]</c>;
    /// <c>n + 1</c> means no order statistic qualifies (unbounded threshold).
    /// </summary>
    /// <param name="n">Calibration size, at least 1.</param>
    /// <param name="epsilon">Miscoverage in (0, 1).</param>
    /// <param name="delta">Failure probability over calibration draws, in (0, 1).</param>
    public static long Rank(int n, double epsilon, double delta)
    {
        Check.Positive(n, nameof(n));
        Check.Epsilon(epsilon, nameof(epsilon));
        Delta(delta);
        double logQ = Numerics.LogMath.Log1P(-epsilon); // log(1 - eps): probability that one score is covered
        double logP = Math.Log(epsilon);
        double logDelta = Math.Log(delta);

        // log pmf(j) for X ~ Binomial(n, 1 - eps), from j = n down: pmf(n) = (1 - eps)^n,
        // pmf(j) = pmf(j + 1) * (j + 1) / (n - j) * eps / (1 - eps).
        double logPmf = n * logQ;
        double logTail = double.NegativeInfinity; // log P(X > m), starting at m = n
        for (long m = n; m >= 1; m--)
        {
            // Moving from m to m - 1 adds pmf(m) to the tail.
            double next = Numerics.LogMath.Add(logTail, logPmf);
            if (next > logDelta)
            {
                return m + 1; // P(X > m) <= delta but P(X > m - 1) > delta: k - 1 = m
            }

            logTail = next;
            logPmf += Math.Log(m) - Math.Log(n - m + 1.0) + logP - logQ;
        }

        return 1; // even P(X > 0) <= delta
    }

    /// <summary>
    /// The PAC threshold from precomputed scores <c>s_i = D(cloud_i || edge_i)</c>: <c>gamma = s_(k)</c> with
    /// <c>k = </c><see cref="Rank"/>, or +infinity with a warning when <c>k &gt; n</c>.
    /// </summary>
    /// <param name="scores">At least one score; NaN and -infinity rejected. Not modified.</param>
    /// <param name="classes">Number of classes <c>K &gt;= 2</c>.</param>
    /// <param name="epsilon">Miscoverage in (0, 1).</param>
    /// <param name="delta">Failure probability over calibration draws, in (0, 1).</param>
    /// <param name="divergence">The divergence the scores were computed with.</param>
    public static ConformalThreshold Calibrate(ReadOnlySpan<double> scores, int classes, double epsilon, double delta, FDivergence divergence)
    {
        ArgumentNullException.ThrowIfNull(divergence);
        Check.Classes(classes, nameof(classes));
        Check.NotEmpty(scores.Length, nameof(scores), "scores");
        Check.Scores(scores, nameof(scores));
        long k = Rank(scores.Length, epsilon, delta);
        var sorted = scores.ToArray();
        Array.Sort(sorted);
        double gamma = k > sorted.Length ? double.PositiveInfinity : sorted[k - 1];
        return new ConformalThreshold(gamma, sorted.Length, classes, epsilon, k, divergence, ScoreSummary.FromSorted(sorted), delta);
    }

    /// <summary>The PAC threshold computed from paired outputs: scores <c>D(cloud_i || edge_i)</c>, then <see cref="Calibrate(ReadOnlySpan{double}, int, double, double, FDivergence)"/>.</summary>
    public static ConformalThreshold Calibrate(ProbabilityMatrix cloud, ProbabilityMatrix edge, double epsilon, double delta, FDivergence? divergence = null)
    {
        ArgumentNullException.ThrowIfNull(cloud);
        divergence ??= Divergences.Divergence.KL;
        Check.NotEmpty(cloud.Rows, nameof(cloud), "calibration outputs");
        return Calibrate(SplitConformal.Scores(cloud, edge, divergence), cloud.Classes, epsilon, delta, divergence);
    }

    /// <summary>Validates <c>delta</c> in (0, 1).</summary>
    internal static void Delta(double delta, string argument = "delta")
    {
        if (!(delta > 0.0 && delta < 1.0))
        {
            throw new ArgumentOutOfRangeException(argument, delta, $"{argument} must be in (0, 1) (the probability, over calibration sets, that coverage falls below 1 - eps); got {Check.Format(delta)}.");
        }
    }
}
