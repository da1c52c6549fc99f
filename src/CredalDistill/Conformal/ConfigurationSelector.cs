using CredalDistill.Credal;
using CredalDistill.Divergences;
using CredalDistill.Validation;

namespace CredalDistill.Conformal;

/// <summary>
/// Label-free joint choice of the divergence and the miscoverage <c>eps</c> (beyond the paper): the cross-fitted
/// cloud-referenced ECE of <see cref="EpsilonSelector"/>, computed on the same seeded folds for every
/// (divergence, eps) pair; the pair with the lowest score wins (ties: the earlier divergence, then the larger eps) and
/// its threshold is calibrated on the whole set. The same caveat applies: the conformal guarantee is for a fixed
/// configuration and holds after this data-driven choice only up to the selection.
/// </summary>
public static class ConfigurationSelector
{
    /// <summary>The default divergence candidates: kl, reverse-kl, alpha:0.9, alpha:1.2, tv, hellinger, chi2.</summary>
    public static IReadOnlyList<string> DefaultDivergences { get; } = ["kl", "reverse-kl", "alpha:0.9", "alpha:1.2", "tv", "hellinger", "chi2"];

    /// <summary>
    /// Selects a divergence among <paramref name="divergences"/> (default: <see cref="DefaultDivergences"/>) and an eps among
    /// <paramref name="epsilons"/> (default: <see cref="EpsilonSelector.DefaultCandidates"/>) for <paramref name="output"/>.
    /// </summary>
    public static ConfigurationSelection Select(
        ProbabilityMatrix cloud,
        ProbabilityMatrix edge,
        IReadOnlyList<IDivergence>? divergences = null,
        CredalOutput output = CredalOutput.Intersection,
        IReadOnlyList<double>? epsilons = null,
        int folds = 2,
        ulong seed = 1)
    {
        ArgumentNullException.ThrowIfNull(cloud);
        ArgumentNullException.ThrowIfNull(edge);
        Check.SameRows(cloud.Rows, edge.Rows, nameof(edge));
        Check.SameClasses(cloud.Classes, edge.Classes, nameof(edge));
        var candidates = (divergences ?? DefaultDivergences.Select(Divergence.Parse).ToArray()).ToArray();
        if (candidates.Length == 0)
        {
            throw new ArgumentException("At least one candidate divergence is needed.", nameof(divergences));
        }

        foreach (var d in candidates)
        {
            ArgumentNullException.ThrowIfNull(d, nameof(divergences));
        }

        var grid = (epsilons ?? EpsilonSelector.DefaultCandidates).ToArray();
        if (grid.Length == 0)
        {
            throw new ArgumentException("At least one candidate epsilon is needed.", nameof(epsilons));
        }

        foreach (double eps in grid)
        {
            Check.Epsilon(eps, nameof(epsilons));
        }

        var scores = new double[candidates.Length][];
        int bestD = 0;
        int bestE = 0;
        for (int d = 0; d < candidates.Length; d++)
        {
            scores[d] = EpsilonSelector.CrossFittedScores(cloud, edge, candidates[d], output, grid, folds, seed);
            for (int e = 0; e < grid.Length; e++)
            {
                double s = scores[d][e];
                double best = scores[bestD][bestE];
                if (s < best || (s == best && d == bestD && grid[e] > grid[bestE]))
                {
                    bestD = d;
                    bestE = e;
                }
            }
        }

        var threshold = ConformalCalibrator.Calibrate(cloud, edge, grid[bestE], candidates[bestD]);
        return new ConfigurationSelection(candidates, grid, scores, bestD, bestE, threshold);
    }
}
