using CredalDistill.Calibration;
using CredalDistill.Divergences;
using CredalDistill.Validation;

namespace CredalDistill.Credal;

/// <summary>
/// The CD-CI credal set <c>Gamma(x) = { q in simplex : D(q || p) &lt;= gamma }</c> around an edge output <c>p</c>
/// (METHOD.md section 3), with every summary computed exactly (Monte Carlo only for centroid/volume above three classes).
/// A convenience object over the allocation-free static kernels (<see cref="CredalBounds"/>, <see cref="MaximumEntropy"/>, ...).
/// </summary>
public sealed class DivergenceBall : ICredalSet
{
    private readonly double[] _center;
    private readonly CredalPredictor _predictor;

    /// <summary>Creates the ball of radius <paramref name="gamma"/> (nats) around <paramref name="center"/>.</summary>
    public DivergenceBall(FDivergence divergence, ReadOnlySpan<double> center, double gamma, MonteCarloOptions? monteCarlo = null)
    {
        ArgumentNullException.ThrowIfNull(divergence);
        Check.Classes(center.Length, nameof(center));
        Check.Distribution(center, nameof(center));
        Check.Gamma(gamma, nameof(gamma));
        Divergence = divergence;
        _center = center.ToArray();
        Gamma = gamma;
        MonteCarlo = monteCarlo ?? MonteCarloOptions.Default;
        _predictor = new CredalPredictor(divergence, gamma, new CredalPredictorOptions { MonteCarlo = MonteCarlo, MaxDegreeOfParallelism = 1 });
    }

    /// <summary>The divergence <c>D</c>.</summary>
    public FDivergence Divergence { get; }

    /// <summary>The edge output <c>p</c>.</summary>
    public ReadOnlySpan<double> Center => _center;

    /// <summary>The radius <c>gamma</c> in nats (may be +infinity).</summary>
    public double Gamma { get; }

    /// <summary>Monte Carlo settings for centroid and volume above three classes.</summary>
    public MonteCarloOptions MonteCarlo { get; }

    /// <inheritdoc />
    public int Classes => _center.Length;

    /// <summary>
    /// Membership <c>D(q || p) &lt;= gamma</c> exactly as defined (for infinite gamma: the closure of the finite-divergence
    /// set), after checking that <paramref name="q"/> is a distribution. A point computed on the boundary (the member
    /// attaining a bound) can test outside by rounding; a caller testing such points compares <c>D</c> with its own tolerance.
    /// </summary>
    public bool Contains(ReadOnlySpan<double> q)
    {
        Check.SameLength(Classes, q.Length, nameof(q));
        Check.Distribution(q, nameof(q));
        if (double.IsPositiveInfinity(Gamma))
        {
            // The closure of { D < inf }: the whole simplex, or the face of the support of p.
            return Divergence.AllowsMassOutsideSupport || SupportIncluded(q);
        }

        return Divergence.Compute(q, _center) <= Gamma;
    }

    /// <inheritdoc />
    public void Bounds(Span<double> lower, Span<double> upper) => _predictor.Bounds(Row, lower, upper);

    /// <inheritdoc />
    public void IntersectionProbability(Span<double> destination)
    {
        Check.SameLength(Classes, destination.Length, nameof(destination));
        _predictor.Predict(Row, CalibratedOutput.Intersection, destination);
    }

    /// <inheritdoc />
    public void MaximumEntropy(Span<double> destination)
    {
        Check.SameLength(Classes, destination.Length, nameof(destination));
        _predictor.Predict(Row, CalibratedOutput.MaximumEntropy, destination);
    }

    /// <inheritdoc />
    public double Centroid(Span<double> destination, Span<double> standardError)
        => Credal.Centroid.Compute(Divergence, Row, Gamma, destination, standardError, MonteCarlo);

    /// <inheritdoc />
    public Estimate VolumeFraction() => Credal.VolumeFraction.Compute(Divergence, Row, Gamma, MonteCarlo);

    /// <inheritdoc />
    public void IntervalDominance(Span<bool> members) => _predictor.LabelSet(Row, LabelSetRule.IntervalDominance, members);

    /// <inheritdoc />
    public void Maximality(Span<bool> members) => _predictor.LabelSet(Row, LabelSetRule.Maximality, members);

    private EdgeRow Row => EdgeRow.Trusted(_center, false);

    private bool SupportIncluded(ReadOnlySpan<double> q)
    {
        for (int k = 0; k < q.Length; k++)
        {
            if (q[k] > 0.0 && _center[k] <= 0.0)
            {
                return false;
            }
        }

        return true;
    }
}
