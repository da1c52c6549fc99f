using System.Globalization;
using CredalDistill.Divergences;

namespace CredalDistill.Conformal;

/// <summary>
/// The distilled scalar of CD-CI: the conformal threshold <c>gamma</c> (nats) on the score
/// <c>s = D(p_cloud || p_edge)</c>, with everything needed to interpret it. Immutable; built by
/// <see cref="SplitConformal"/>.
/// </summary>
/// <remarks>
/// <c>k = ceil((n + 1)(1 - eps))</c>; <c>gamma = s_(k)</c> (the k-th smallest score) when <c>k &lt;= n</c>, and
/// <c>gamma = +infinity</c> when <c>k &gt; n</c>. An unbounded threshold is never clamped: <see cref="IsUnbounded"/>
/// is true and <see cref="Warning"/> says why. Guarantee (exchangeable data): for a new input,
/// <c>P(D(p_cloud || p_edge) &lt;= gamma) &gt;= 1 - eps</c>.
/// </remarks>
public sealed class ConformalThreshold
{
    internal ConformalThreshold(double gamma, int n, int classes, double epsilon, long rank, FDivergence divergence, ScoreSummary scores, double? delta = null)
    {
        Delta = delta;
        Gamma = gamma;
        N = n;
        Classes = classes;
        Epsilon = epsilon;
        Rank = rank;
        Divergence = divergence;
        Scores = scores;
        Warning = BuildWarning();
    }

    /// <summary>The threshold <c>gamma</c> in nats: <c>s_(k)</c>, or +infinity when unbounded.</summary>
    public double Gamma { get; }

    /// <summary>The threshold in bits, <c>gamma / ln 2</c> (the unit of the paper's code); +infinity when unbounded.</summary>
    public double GammaBits => Gamma / Math.Log(2.0);

    /// <summary>True when <c>gamma = +infinity</c> (<c>k &gt; n</c>, or the k-th smallest score is itself infinite).</summary>
    public bool IsUnbounded => double.IsPositiveInfinity(Gamma);

    /// <summary>Calibration size <c>n</c> (number of scores).</summary>
    public int N { get; }

    /// <summary>Number of classes <c>K</c> of the calibration outputs.</summary>
    public int Classes { get; }

    /// <summary>Target miscoverage <c>eps</c> in (0, 1).</summary>
    public double Epsilon { get; }

    /// <summary>The conformal rank <c>k = ceil((n + 1)(1 - eps))</c>; may exceed <see cref="N"/> (then unbounded).</summary>
    public long Rank { get; }

    /// <summary>
    /// Null for the marginal split-conformal rule; for a PAC threshold (<see cref="TrainingConditional"/>) the probability
    /// <c>delta</c>, over calibration sets, that the coverage falls below <c>1 - eps</c>.
    /// </summary>
    public double? Delta { get; }

    /// <summary>The divergence <c>D</c> of the score <c>D(p_cloud || p_edge)</c>.</summary>
    public FDivergence Divergence { get; }

    /// <summary>Summary of the <c>n</c> calibration scores.</summary>
    public ScoreSummary Scores { get; }

    /// <summary>
    /// Null for a finite threshold; otherwise an explicit human-readable explanation of why the threshold is
    /// unbounded and what it means (every credal set is the whole simplex).
    /// </summary>
    public string? Warning { get; }

    /// <summary>Minimum calibration size for a finite threshold at this <see cref="Epsilon"/> (see <see cref="ConformalThreshold.MinimumCalibrationSize"/>).</summary>
    public long MinimumCalibrationSize => SplitConformal.MinimumCalibrationSize(Epsilon);

    /// <inheritdoc />
    public override string ToString()
    {
        string gamma = IsUnbounded ? "+inf" : Gamma.ToString("G6", CultureInfo.InvariantCulture);
        string pac = Delta is double d ? string.Create(CultureInfo.InvariantCulture, $", delta = {d:R}") : string.Empty;
        return string.Create(CultureInfo.InvariantCulture, $"gamma = {gamma} nats ({Divergence.Name}, eps = {Epsilon:R}{pac}, n = {N}, k = {Rank})");
    }

    private string? BuildWarning()
    {
        if (!IsUnbounded)
        {
            return null;
        }

        const string Meaning = "the threshold is unbounded (gamma = +infinity) and every credal set is the whole simplex (for divergences such as KL that forbid mass outside the edge's support: every distribution on that support)";
        if (Rank > N && Delta is double delta)
        {
            return string.Create(CultureInfo.InvariantCulture, $"eps = {Epsilon:R}, delta = {delta:R}: with n = {N} calibration inputs no order statistic has coverage >= 1 - eps with probability >= 1 - delta (the PAC rank k = {Rank} exceeds n), so {Meaning}.");
        }

        if (Rank > N)
        {
            return string.Create(CultureInfo.InvariantCulture, $"eps = {Epsilon:R} needs n >= {MinimumCalibrationSize} calibration inputs; with n = {N} the rank k = ceil((n + 1)(1 - eps)) = {Rank} exceeds n, so {Meaning}.");
        }

        return string.Create(CultureInfo.InvariantCulture, $"{Scores.InfiniteCount} of the n = {N} calibration scores are +infinity (the edge gives zero probability to a class the cloud does not) and the rank k = {Rank} falls among them, so {Meaning}. Use a divergence that allows mass outside the support, smooth the edge outputs, or increase eps.");
    }
}
