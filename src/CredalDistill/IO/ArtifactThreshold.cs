using CredalDistill.Conformal;
using CredalDistill.Divergences;
using CredalDistill.Validation;

namespace CredalDistill.IO;

/// <summary>
/// The conformal part of a <see cref="CalibrationArtifact"/>: the score divergence, the miscoverage, the threshold
/// <c>gamma</c> in nats (+infinity when unbounded) and a summary of the calibration scores; optionally the PAC failure
/// probability and a per-row threshold (Mondrian by predicted class, or covariate shift), in which case <see cref="Gamma"/>
/// and <see cref="Scores"/> describe the marginal threshold of all calibration scores, for reference.
/// </summary>
public sealed record ArtifactThreshold
{
    private readonly double _epsilon;
    private readonly double _gamma;
    private readonly double? _delta;

    /// <summary>The score divergence <c>D(p_cloud || centre)</c>.</summary>
    public required FDivergence Divergence { get; init; }

    /// <summary>The miscoverage <c>eps</c> in (0, 1).</summary>
    public required double Epsilon
    {
        get => _epsilon;
        init
        {
            Check.Epsilon(value, nameof(Epsilon));
            _epsilon = value;
        }
    }

    /// <summary>The threshold <c>gamma &gt;= 0</c> in nats; +infinity when unbounded (the credal set is the whole simplex).</summary>
    public required double Gamma
    {
        get => _gamma;
        init
        {
            Check.Gamma(value, nameof(Gamma));
            _gamma = value;
        }
    }

    /// <summary>Summary of the calibration scores (nats).</summary>
    public required ArtifactScoreSummary Scores { get; init; }

    /// <summary>Null for the marginal split-conformal rule; for a PAC (training-conditional) threshold the failure probability <c>delta</c> in (0, 1).</summary>
    public double? Delta
    {
        get => _delta;
        init
        {
            if (value is double d && !(d > 0.0 && d < 1.0))
            {
                throw new ArgumentOutOfRangeException(nameof(Delta), d, "delta must be in (0, 1).");
            }

            _delta = value;
        }
    }

    /// <summary>Null when one threshold serves every row; otherwise the per-row threshold (<see cref="MondrianThreshold"/> or <see cref="Shift.CovariateShiftThreshold"/>).</summary>
    public RowThreshold? Rows { get; init; }

    /// <summary>
    /// Null when one threshold serves every row; otherwise one threshold per value of a group column (JSON <c>groups</c>,
    /// written by the engines' <c>calibrate --query ... --group-by</c>; method <c>cdci</c>, no <see cref="Rows"/>).
    /// <see cref="Gamma"/> and <see cref="Scores"/> then describe all calibration rows together (the pooled threshold);
    /// <c>predict --group COLUMN</c> applies each row's group threshold.
    /// </summary>
    public GroupThresholds? Groups { get; init; }

    /// <summary>True when <see cref="Gamma"/> is +infinity.</summary>
    public bool Unbounded => double.IsPositiveInfinity(Gamma);

    /// <summary>Null when <see cref="Rows"/> or <see cref="Groups"/> fits the rest (divergence, eps, delta, and the artifact's classes and n); otherwise the reason.</summary>
    internal string? RowsError(int classes, int n)
    {
        if (Groups is not null)
        {
            return ArtifactGroups.Error(Groups, n, Rows is not null);
        }

        if (Rows is null)
        {
            return null;
        }

        if (Rows.Divergence.Name != Divergence.Name || Rows.Epsilon != Epsilon || Rows.Classes != classes || Rows.N != n)
        {
            return FormattableString.Invariant($"the per-row threshold ({Rows.Divergence.Name}, eps = {Rows.Epsilon:R}, K = {Rows.Classes}, n = {Rows.N}) does not match the artifact ({Divergence.Name}, eps = {Epsilon:R}, K = {classes}, n = {n})");
        }

        if (Rows is MondrianThreshold m && m.Delta != Delta)
        {
            return "the Mondrian thresholds' delta does not match the artifact's 'delta'";
        }

        return Rows is Shift.CovariateShiftThreshold && Delta is not null ? "the covariate-shift (weighted) threshold has no PAC rule; 'delta' must be null" : null;
    }
}
