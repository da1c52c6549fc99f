using CredalDistill.Validation;

namespace CredalDistill.Conformal;

/// <summary>
/// Weighted split-conformal quantile under covariate shift (Tibshirani et al. 2019; METHOD.md section 3.4). With
/// calibration scores <c>s_i</c>, weights <c>w_i = w(x_i)</c> and a test weight <c>w_t = w(x)</c>,
/// <c>p_i = w_i / (sum_j w_j + w_t)</c> and <c>p_t = w_t / (sum_j w_j + w_t)</c>, the threshold is the
/// <c>(1 - eps)</c>-quantile of <c>sum_i p_i delta_{s_i} + p_t delta_{+inf}</c>: the smallest <c>s_(j)</c> with
/// <c>sum_{i &lt;= j} p_(i) &gt;= 1 - eps</c>, or +infinity. Equal weights give the unweighted rank
/// <c>ceil((n + 1)(1 - eps))</c> exactly.
/// </summary>
/// <remarks>
/// Scores are sorted once with their weights and prefix sums kept, so a row's threshold costs one binary search,
/// O(log n), and no allocation. Weights are real numbers, so the comparison of a cumulative weight with the target
/// <c>(1 - eps)(sum w + w_t)</c> is made in floating point: a cumulative weight within <see cref="RoundingBound"/>
/// (relative) below the target counts as reaching it. That bound covers the rounding of the compensated prefix sums
/// (at most 2 units in the last place) and of the target (3 more), and nothing else: equal weights then give the exact
/// rank <c>ceil((n + 1)(1 - eps))</c> whenever <c>(n + 1)(1 - eps)</c> is an integer, and the threshold moves only when
/// the weighted mass is within rounding of the target (docs/NUMERICS.md).
/// </remarks>
public sealed class WeightedScores
{
    /// <summary>Relative rounding bound of the cumulative weights and the target: 8 units in the last place (8 * 2^-53).</summary>
    private const double RoundingBound = 8.0 * 1.1102230246251565e-16;

    private readonly double[] _sorted;
    private readonly double[] _weights; // weights in the order of _sorted
    private readonly double[] _cumulative; // _cumulative[j] = sum of the weights of the j + 1 smallest scores

    /// <summary>Sorts the scores with their weights.</summary>
    /// <param name="scores">Calibration scores; NaN and -infinity rejected, +infinity allowed.</param>
    /// <param name="weights">One finite, non-negative weight per score; positive total.</param>
    public WeightedScores(ReadOnlySpan<double> scores, ReadOnlySpan<double> weights)
    {
        Check.NotEmpty(scores.Length, nameof(scores), "scores");
        Check.Scores(scores, nameof(scores));
        Check.SameLength(scores.Length, weights.Length, nameof(weights));
        Weights(weights, nameof(weights));
        _sorted = scores.ToArray();
        var w = weights.ToArray();
        Array.Sort(_sorted, w);
        _weights = w;
        _cumulative = new double[w.Length];
        double sum = 0.0, compensation = 0.0;
        for (int i = 0; i < w.Length; i++)
        {
            Numerics.Neumaier.Add(ref sum, ref compensation, w[i]);
            _cumulative[i] = sum + compensation;
        }

        if (!(TotalWeight > 0.0))
        {
            throw new ArgumentException("the calibration weights sum to 0; at least one must be positive.", nameof(weights));
        }
    }

    /// <summary>Number of calibration scores <c>n</c>.</summary>
    public int Count => _sorted.Length;

    /// <summary>The scores in increasing order (a stored artifact keeps them with <see cref="SortedWeights"/>).</summary>
    internal ReadOnlySpan<double> SortedScores => _sorted;

    /// <summary>The weights in the order of <see cref="SortedScores"/>.</summary>
    internal ReadOnlySpan<double> SortedWeights => _weights;

    /// <summary>Kish's effective sample size <c>(sum w)^2 / sum w^2</c> of the calibration weights.</summary>
    public double EffectiveSize
    {
        get
        {
            double squares = 0.0;
            foreach (double w in _weights)
            {
                squares += w * w;
            }

            return TotalWeight * TotalWeight / squares;
        }
    }

    /// <summary><c>sum_i w_i</c> over the calibration rows.</summary>
    public double TotalWeight => _cumulative[^1];

    /// <summary>The threshold for a test point of weight <paramref name="testWeight"/> (see the class summary).</summary>
    /// <param name="testWeight">The test point's weight <c>w(x) &gt;= 0</c>, finite.</param>
    /// <param name="epsilon">Miscoverage in (0, 1).</param>
    public double Threshold(double testWeight, double epsilon)
    {
        Check.Epsilon(epsilon, nameof(epsilon));
        if (!(testWeight >= 0.0) || double.IsPositiveInfinity(testWeight))
        {
            throw new ArgumentOutOfRangeException(nameof(testWeight), testWeight, "the test weight must be finite and non-negative.");
        }

        double target = (1.0 - epsilon) * (TotalWeight + testWeight);
        target -= RoundingBound * target;

        // Smallest j with _cumulative[j] >= target.
        int lo = 0, hi = _cumulative.Length;
        while (lo < hi)
        {
            int mid = (lo + hi) >>> 1;
            if (_cumulative[mid] >= target)
            {
                hi = mid;
            }
            else
            {
                lo = mid + 1;
            }
        }

        return lo < _sorted.Length ? _sorted[lo] : double.PositiveInfinity;
    }

    /// <summary>Validates weights: finite and non-negative.</summary>
    internal static void Weights(ReadOnlySpan<double> weights, string argument)
    {
        for (int i = 0; i < weights.Length; i++)
        {
            if (!(weights[i] >= 0.0) || double.IsPositiveInfinity(weights[i]))
            {
                throw new ArgumentException($"{argument}[{i}] = {Check.Format(weights[i])}; weights must be finite and non-negative.", argument);
            }
        }
    }
}
