using CredalDistill.Conformal;
using CredalDistill.Validation;

namespace CredalDistill.Monitoring;

/// <summary>
/// Adaptive conformal inference (Gibbs and Candes 2021) for the CD-CI threshold on a monitored stream: the working
/// level <c>alpha_t</c> starts at <c>eps</c> and after each audited input moves by
/// <c>alpha_{t+1} = alpha_t + eta (eps - err_t)</c>, <c>err_t = 1{ s_t &gt; gamma_t }</c>; the threshold is the split-conformal
/// quantile of the calibration scores at level <c>alpha_t</c>: <c>gamma_t = s_(k)</c>, <c>k = ceil((n + 1)(1 - alpha_t))</c>
/// (+infinity when <c>k &gt; n</c>, i.e. <c>alpha_t</c> small or negative; the smallest score when <c>k &lt;= 1</c>). Over any
/// stream, the long-run miscoverage <c>(1/T) sum err_t</c> is within <c>(max(eps, 1 - eps) + eta) / (eta T)</c> of
/// <c>eps</c>, without exchangeability.
/// </summary>
public sealed class AdaptiveThreshold
{
    private readonly double[] _sorted;

    /// <summary>Starts at the calibration threshold's level.</summary>
    /// <param name="scores">Calibration scores <c>s_i = D(p_cloud || p_edge)</c>; not modified.</param>
    /// <param name="epsilon">Target miscoverage in (0, 1).</param>
    /// <param name="learningRate">Step <c>eta &gt; 0</c> (Gibbs and Candes use 0.005).</param>
    public AdaptiveThreshold(ReadOnlySpan<double> scores, double epsilon, double learningRate = 0.005)
    {
        Check.NotEmpty(scores.Length, nameof(scores), "scores");
        Check.Scores(scores, nameof(scores));
        Check.Epsilon(epsilon, nameof(epsilon));
        Check.PositiveFinite(learningRate, nameof(learningRate));
        _sorted = scores.ToArray();
        Array.Sort(_sorted);
        Epsilon = epsilon;
        LearningRate = learningRate;
        Level = epsilon;
    }

    /// <summary>Target miscoverage <c>eps</c>.</summary>
    public double Epsilon { get; }

    /// <summary>The step <c>eta</c>.</summary>
    public double LearningRate { get; }

    /// <summary>The working level <c>alpha_t</c>.</summary>
    public double Level { get; private set; }

    /// <summary>Observations so far.</summary>
    public long Count { get; private set; }

    /// <summary>Miscovered observations so far (<c>s_t &gt; gamma_t</c> at the time).</summary>
    public long Errors { get; private set; }

    /// <summary>The current threshold <c>gamma_t</c> (nats).</summary>
    public double Gamma
    {
        get
        {
            int n = _sorted.Length;
            if (!(Level > 0.0))
            {
                return double.PositiveInfinity;
            }

            long rank = Level >= 1.0 ? 1L : ExactRank.Conformal(n, Level);
            if (rank > n)
            {
                return double.PositiveInfinity;
            }

            return _sorted[rank - 1];
        }
    }

    /// <summary>Observes one audited score: records whether it exceeded the current threshold, then updates the level.</summary>
    /// <param name="score">The score <c>D(p_cloud || p_edge)</c> of the audited input (NaN rejected).</param>
    /// <returns>True when the input was covered (<c>score &lt;= gamma_t</c>).</returns>
    public bool Observe(double score)
    {
        if (double.IsNaN(score) || double.IsNegativeInfinity(score))
        {
            throw new ArgumentOutOfRangeException(nameof(score), score, "a score must be >= 0 or +infinity.");
        }

        bool covered = score <= Gamma;
        Count++;
        Errors += covered ? 0 : 1;
        Level += LearningRate * (Epsilon - (covered ? 0.0 : 1.0));
        return covered;
    }
}
