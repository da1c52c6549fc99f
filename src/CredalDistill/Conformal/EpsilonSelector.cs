using CredalDistill.Calibration;
using CredalDistill.Credal;
using CredalDistill.Divergences;
using CredalDistill.Metrics;

namespace CredalDistill.Conformal;

/// <summary>
/// Label-free choice of the miscoverage <c>eps</c> (beyond the paper). The unlabeled calibration set is split into
/// <c>F</c> seeded folds; for each candidate <c>eps</c> and fold <c>f</c>, <c>gamma</c> is calibrated on the other folds and
/// the extracted outputs on fold <c>f</c> are scored by the <see cref="CloudReferencedCalibrationError"/>; the candidate with
/// the lowest mean score wins and its final threshold is calibrated on the whole set.
/// Caveat: the conformal guarantee holds for a fixed <c>eps</c>; after a data-driven choice among <c>m</c> candidates it holds
/// for the chosen level only up to that selection (at worst, a union bound over the candidates).
/// </summary>
internal static class EpsilonSelector
{
    /// <summary>The default candidate grid: 0.01, 0.02, 0.05, 0.1, 0.15, 0.2, 0.3, 0.4, 0.5.</summary>
    public static IReadOnlyList<double> DefaultCandidates { get; } = [0.01, 0.02, 0.05, 0.1, 0.15, 0.2, 0.3, 0.4, 0.5];

    /// <summary>Selects <c>eps</c> among <paramref name="candidates"/> (default grid when null) by cross-fitted cloud-referenced ECE.</summary>
    public static EpsilonSelection Select(
        ProbabilityMatrix cloud,
        ProbabilityMatrix edge,
        FDivergence divergence,
        CalibratedOutput output = CalibratedOutput.Intersection,
        IReadOnlyList<double>? candidates = null,
        int folds = 2,
        ulong seed = 1,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(divergence);
        var joint = ConfigurationSelector.SelectCore(cloud, edge, [divergence], output, candidates, nameof(candidates), folds, seed, cancellationToken);
        return new EpsilonSelection([.. joint.Epsilons], [.. joint.Scores[0]], joint.ChosenEpsilonIndex, joint.Threshold);
    }
}
