using CredalDistill.Credal;
using CredalDistill.Divergences;
using CredalDistill.Metrics;
using CredalDistill.Numerics;
using CredalDistill.Validation;

namespace CredalDistill.Conformal;

/// <summary>
/// Label-free choice of the miscoverage <c>eps</c> (beyond the paper). The unlabeled calibration set is split into
/// <c>F</c> seeded folds; for each candidate <c>eps</c> and fold <c>f</c>, <c>gamma</c> is calibrated on the other folds and
/// the extracted outputs on fold <c>f</c> are scored by the <see cref="CloudReferencedCalibrationError"/>; the candidate with
/// the lowest mean score wins and its final threshold is calibrated on the whole set.
/// Caveat: the conformal guarantee holds for a fixed <c>eps</c>; after a data-driven choice among <c>m</c> candidates it holds
/// for the chosen level only up to that selection (at worst, a union bound over the candidates).
/// </summary>
public static class EpsilonSelector
{
    /// <summary>The default candidate grid: 0.01, 0.02, 0.05, 0.1, 0.15, 0.2, 0.3, 0.4, 0.5.</summary>
    public static IReadOnlyList<double> DefaultCandidates { get; } = [0.01, 0.02, 0.05, 0.1, 0.15, 0.2, 0.3, 0.4, 0.5];

    /// <summary>Selects <c>eps</c> among <paramref name="candidates"/> (default grid when null) by cross-fitted cloud-referenced ECE.</summary>
    public static EpsilonSelection Select(
        ProbabilityMatrix cloud,
        ProbabilityMatrix edge,
        IDivergence divergence,
        CredalOutput output = CredalOutput.Intersection,
        IReadOnlyList<double>? candidates = null,
        int folds = 2,
        ulong seed = 1)
    {
        ArgumentNullException.ThrowIfNull(cloud);
        ArgumentNullException.ThrowIfNull(edge);
        ArgumentNullException.ThrowIfNull(divergence);
        Check.SameRows(cloud.Rows, edge.Rows, nameof(edge));
        Check.SameClasses(cloud.Classes, edge.Classes, nameof(edge));
        var grid = (candidates ?? DefaultCandidates).ToArray();
        if (grid.Length == 0)
        {
            throw new ArgumentException("At least one candidate epsilon is needed.", nameof(candidates));
        }

        foreach (double eps in grid)
        {
            Check.Epsilon(eps, nameof(candidates));
        }

        var scores = CrossFittedScores(cloud, edge, divergence, output, grid, folds, seed);
        int best = 0;
        for (int c = 1; c < grid.Length; c++)
        {
            if (scores[c] < scores[best] || (scores[c] == scores[best] && grid[c] > grid[best]))
            {
                best = c;
            }
        }

        var threshold = ConformalCalibrator.Calibrate(cloud, edge, grid[best], divergence);
        return new EpsilonSelection(grid, scores, best, threshold);
    }

    /// <summary>
    /// Mean over <paramref name="folds"/> seeded folds of the cloud-referenced ECE of <paramref name="output"/> on the held-out
    /// fold, with <c>gamma</c> calibrated on the other folds, for each candidate in <paramref name="grid"/>. The folds depend
    /// only on <c>n</c> and <paramref name="seed"/>, so scores of different divergences are paired.
    /// </summary>
    internal static double[] CrossFittedScores(ProbabilityMatrix cloud, ProbabilityMatrix edge, IDivergence divergence, CredalOutput output, double[] grid, int folds, ulong seed)
    {
        if (folds < 2 || folds > edge.Rows / 2)
        {
            throw new ArgumentOutOfRangeException(nameof(folds), folds, $"folds must be in [2, n/2] for n = {edge.Rows}.");
        }

        int n = edge.Rows;
        var order = new int[n];
        new SplitMix64(seed).Permutation(order);

        var allScores = ConformalCalibrator.Scores(cloud, edge, divergence);
        var scores = new double[grid.Length];
        for (int f = 0; f < folds; f++)
        {
            int start = f * n / folds;
            int end = (f + 1) * n / folds;
            var held = order.AsSpan(start, end - start).ToArray();
            var fitScores = new double[n - held.Length];
            int m = 0;
            for (int i = 0; i < n; i++)
            {
                if (i < start || i >= end)
                {
                    fitScores[m++] = allScores[order[i]];
                }
            }

            var heldEdge = edge.Select(held);
            var heldCloud = cloud.Select(held);
            for (int c = 0; c < grid.Length; c++)
            {
                double gamma = ConformalCalibrator.Threshold(fitScores, grid[c]);
                var predicted = new CredalPredictor(divergence, gamma).Predict(heldEdge, output);
                scores[c] += CloudReferencedCalibrationError.Compute(predicted, heldCloud) / folds;
            }
        }

        return scores;
    }
}
