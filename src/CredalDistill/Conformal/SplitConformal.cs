using CredalDistill.Divergences;
using CredalDistill.Validation;

namespace CredalDistill.Conformal;

/// <summary>
/// The offline phase of CD-CI (split conformal prediction on unlabeled calibration inputs): scores
/// <c>s_i = D(p_cloud_i || p_edge_i)</c> and the threshold <c>gamma = s_(k)</c>, <c>k = ceil((n + 1)(1 - eps))</c>.
/// </summary>
/// <remarks>
/// The rank is computed in exact integer arithmetic from the shortest decimal of <c>eps</c> (<c>0.3</c> is 3/10, not the
/// nearest double): <c>90 * (1 - 0.3)</c> is exactly 63 and <c>n = 1,234,567,890</c>, <c>eps = 0.05</c> gives
/// <c>k = 1,172,839,497</c>, for every <c>n</c>. <see cref="MinimumCalibrationSize"/> uses the same arithmetic, so the two
/// always agree.
/// </remarks>
public static class SplitConformal
{
    /// <summary>
    /// Writes the conformity scores <c>s_i = D(cloud_i || edge_i)</c> (cloud FIRST, nats) into
    /// <paramref name="destination"/> (length = rows). Scores may be +infinity (e.g. KL with an edge zero).
    /// Computed in the log domain from <c>log p_edge</c> and <c>log p_cloud</c> (the log-softmax when a matrix was built from
    /// logits), so an edge probability that underflows double does not turn a finite score into +infinity.
    /// </summary>
    /// <param name="cloud">Cloud outputs <c>p*(.|x_i)</c>, <c>n x K</c>.</param>
    /// <param name="edge">Edge outputs <c>p(.|x_i)</c>, same shape.</param>
    /// <param name="divergence">The divergence <c>D</c>.</param>
    /// <param name="destination">Receives one score per row.</param>
    public static void Scores(ProbabilityMatrix cloud, ProbabilityMatrix edge, FDivergence divergence, Span<double> destination)
    {
        ArgumentNullException.ThrowIfNull(cloud);
        ArgumentNullException.ThrowIfNull(edge);
        ArgumentNullException.ThrowIfNull(divergence);
        Check.SameRows(cloud.Rows, edge.Rows, nameof(edge));
        Check.SameClasses(cloud.Classes, edge.Classes, nameof(edge));
        Check.DestinationLength(cloud.Rows, destination.Length, nameof(destination));
        var f = Credal.CredalBounds.Resolve(divergence);
        int k = cloud.Classes;
        using var lease = new Numerics.ScratchLease();
        Span<double> work = 2 * k <= Numerics.ScratchLease.StackDoubles ? stackalloc double[2 * k] : lease.Rent(2 * k);
        var logCloud = work[..k];
        var logEdge = work[k..];
        for (int i = 0; i < cloud.Rows; i++)
        {
            cloud.AsEdgeRow(i).LogProbabilities(logCloud);
            edge.AsEdgeRow(i).LogProbabilities(logEdge);
            destination[i] = f.ComputeLog(logCloud, logEdge);
        }
    }

    /// <summary>Allocating overload of <see cref="Scores(ProbabilityMatrix, ProbabilityMatrix, FDivergence, Span{double})"/>: <c>s_i = D(cloud_i || edge_i)</c>.</summary>
    public static double[] Scores(ProbabilityMatrix cloud, ProbabilityMatrix edge, FDivergence divergence)
    {
        ArgumentNullException.ThrowIfNull(cloud);
        var scores = new double[cloud.Rows];
        Scores(cloud, edge, divergence, scores);
        return scores;
    }

    /// <summary>
    /// The conformal rank <c>k = ceil((n + 1)(1 - eps))</c>, computed exactly (see the class remarks); at least 1.
    /// </summary>
    /// <param name="n">Calibration size, <c>n &gt;= 1</c>.</param>
    /// <param name="epsilon">Miscoverage in (0, 1).</param>
    public static long Rank(int n, double epsilon)
    {
        Check.Positive(n, nameof(n));
        Check.Epsilon(epsilon, nameof(epsilon));
        return RankCore(n, epsilon);
    }

    /// <summary>
    /// The threshold <c>gamma = s_(k)</c>, the k-th smallest score with <c>k = ceil((n + 1)(1 - eps))</c>, or
    /// +infinity when <c>k &gt; n</c>. Equal to numpy <c>quantile(scores, k/n, method="inverted_cdf")</c> when
    /// <c>k &lt;= n</c>. The caller's span is not modified (a copy is sorted).
    /// </summary>
    /// <param name="scores">At least one score; NaN and -infinity rejected, +infinity allowed.</param>
    /// <param name="epsilon">Miscoverage in (0, 1).</param>
    public static double Threshold(ReadOnlySpan<double> scores, double epsilon)
    {
        Check.Epsilon(epsilon, nameof(epsilon));
        Check.NotEmpty(scores.Length, nameof(scores), "scores");
        Check.Scores(scores, nameof(scores));
        long k = RankCore(scores.Length, epsilon);
        if (k > scores.Length)
        {
            return double.PositiveInfinity;
        }

        var sorted = scores.ToArray();
        Array.Sort(sorted);
        return sorted[k - 1];
    }

    /// <summary>
    /// Calibrates CD-CI: scores <c>s_i = D(cloud_i || edge_i)</c> and <c>gamma = s_(k)</c>,
    /// <c>k = ceil((n + 1)(1 - eps))</c> (+infinity with a <see cref="ConformalThreshold.Warning"/> when <c>k &gt; n</c>).
    /// No labels are needed.
    /// </summary>
    /// <param name="cloud">Cloud outputs on the calibration inputs, <c>n x K</c>, <c>n &gt;= 1</c>.</param>
    /// <param name="edge">Edge outputs on the same inputs, same shape.</param>
    /// <param name="epsilon">Miscoverage in (0, 1).</param>
    /// <param name="divergence">Score divergence; null means KL.</param>
    public static ConformalThreshold Calibrate(ProbabilityMatrix cloud, ProbabilityMatrix edge, double epsilon, FDivergence? divergence = null)
    {
        ArgumentNullException.ThrowIfNull(cloud);
        ArgumentNullException.ThrowIfNull(edge);
        Check.Epsilon(epsilon, nameof(epsilon));
        Check.NotEmpty(cloud.Rows, nameof(cloud), "calibration outputs");
        divergence ??= Divergences.Divergence.KL;
        var scores = Scores(cloud, edge, divergence);
        Check.Scores(scores, "scores");
        return FromValidScores(scores, cloud.Classes, epsilon, divergence);
    }

    /// <summary>
    /// Builds the threshold from precomputed scores <c>s_i = D(cloud_i || edge_i)</c> (same rule as
    /// <see cref="Calibrate(ProbabilityMatrix, ProbabilityMatrix, double, FDivergence?)"/>).
    /// </summary>
    /// <param name="scores">At least one score; NaN and -infinity rejected. Not modified.</param>
    /// <param name="classes">Number of classes <c>K &gt;= 2</c> of the outputs the scores came from.</param>
    /// <param name="epsilon">Miscoverage in (0, 1).</param>
    /// <param name="divergence">The divergence the scores were computed with.</param>
    public static ConformalThreshold Calibrate(ReadOnlySpan<double> scores, int classes, double epsilon, FDivergence divergence)
    {
        ArgumentNullException.ThrowIfNull(divergence);
        Check.Classes(classes, nameof(classes));
        Check.Epsilon(epsilon, nameof(epsilon));
        Check.NotEmpty(scores.Length, nameof(scores), "scores");
        Check.Scores(scores, nameof(scores));
        return FromValidScores(scores.ToArray(), classes, epsilon, divergence);
    }

    /// <summary>
    /// The smallest calibration size <c>n</c> with a finite threshold: the least <c>n</c> with
    /// <c>ceil((n + 1)(1 - eps)) &lt;= n</c>, i.e. <c>n &gt;= 1/eps - 1</c> (eps = 0.1 gives 9, 0.05 gives 19,
    /// 0.01 gives 99). Throws when <paramref name="epsilon"/> is so small that <c>n</c> overflows a 64-bit integer.
    /// </summary>
    public static long MinimumCalibrationSize(double epsilon)
    {
        Check.Epsilon(epsilon, nameof(epsilon));
        return ExactRank.MinimumSize(epsilon)
            ?? throw new ArgumentOutOfRangeException(nameof(epsilon), epsilon, $"epsilon = {Check.Format(epsilon)} is too small: the minimum calibration size 1/eps - 1 does not fit in a 64-bit integer.");
    }

    internal static long RankCore(long n, double epsilon) => ExactRank.Conformal(n, epsilon);

    private static ConformalThreshold FromValidScores(double[] scores, int classes, double epsilon, FDivergence divergence)
    {
        Array.Sort(scores);
        int n = scores.Length;
        long k = RankCore(n, epsilon);
        double gamma = k > n ? double.PositiveInfinity : scores[k - 1];
        return new ConformalThreshold(gamma, n, classes, epsilon, k, divergence, ScoreSummary.FromSorted(scores));
    }
}
