using CredalDistill.Calibration;
using CredalDistill.Credal;
using CredalDistill.Divergences;
using CredalDistill.Metrics;
using CredalDistill.Validation;

namespace CredalDistill.Conformal;

/// <summary>
/// Label-free joint choice of the divergence and the miscoverage <c>eps</c> (beyond the paper): the cross-fitted
/// cloud-referenced ECE of <see cref="EpsilonSelector"/>, computed on the same seeded folds for every
/// (divergence, eps) pair; the pair with the lowest score wins (ties: the earlier divergence, then the larger eps) and
/// its threshold is calibrated on the whole set. The same caveat applies: the conformal guarantee is for a fixed
/// configuration and holds after this data-driven choice only up to the selection.
/// </summary>
internal static class ConfigurationSelector
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
        IReadOnlyList<FDivergence>? divergences = null,
        CalibratedOutput output = CalibratedOutput.Intersection,
        IReadOnlyList<double>? epsilons = null,
        int folds = 2,
        ulong seed = 1,
        CancellationToken cancellationToken = default,
        Func<ProbabilityMatrix, ProbabilityMatrix, double>? score = null)
    {
        var candidates = (divergences ?? DefaultDivergences.Select(Divergence.Parse).ToArray()).ToArray();
        if (candidates.Length == 0)
        {
            throw new ArgumentException("At least one candidate divergence is needed.", nameof(divergences));
        }

        foreach (var d in candidates)
        {
            ArgumentNullException.ThrowIfNull(d, nameof(divergences));
        }

        return SelectCore(cloud, edge, candidates, output, epsilons, nameof(epsilons), folds, seed, cancellationToken, score);
    }

    /// <summary>
    /// The selection over validated divergence candidates; <paramref name="epsilonsArgument"/> names the eps grid in errors.
    /// <paramref name="score"/> maps (held-out output, held-out cloud) to the score, lower is better; null means the
    /// cloud-referenced ECE (<see cref="CloudEce"/>).
    /// </summary>
    internal static ConfigurationSelection SelectCore(ProbabilityMatrix cloud, ProbabilityMatrix edge, FDivergence[] candidates, CalibratedOutput output, IReadOnlyList<double>? epsilons, string epsilonsArgument, int folds, ulong seed, CancellationToken cancellationToken, Func<ProbabilityMatrix, ProbabilityMatrix, double>? score = null)
    {
        score ??= CloudEce;
        ArgumentNullException.ThrowIfNull(cloud);
        ArgumentNullException.ThrowIfNull(edge);
        Check.SameRows(cloud.Rows, edge.Rows, nameof(edge));
        Check.SameClasses(cloud.Classes, edge.Classes, nameof(edge));
        var grid = (epsilons ?? EpsilonSelector.DefaultCandidates).ToArray();
        if (grid.Length == 0)
        {
            throw new ArgumentException("At least one candidate epsilon is needed.", epsilonsArgument);
        }

        foreach (double eps in grid)
        {
            Check.Epsilon(eps, epsilonsArgument);
        }

        var scores = new double[candidates.Length][];
        var agreements = new double[candidates.Length][];
        int bestD = 0;
        int bestE = 0;
        for (int d = 0; d < candidates.Length; d++)
        {
            (scores[d], agreements[d]) = CrossFittedScores(cloud, edge, candidates[d], output, grid, folds, seed, score, cancellationToken);
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

        var threshold = SplitConformal.Calibrate(cloud, edge, grid[bestE], candidates[bestD]);
        return new ConfigurationSelection(candidates, grid, scores, agreements, bestD, bestE, threshold);
    }

    /// <summary>The default score: the cloud-referenced ECE (15 bins, fraction) of an output against the cloud.</summary>
    internal static double CloudEce(ProbabilityMatrix output, ProbabilityMatrix cloud) => CloudReferencedCalibrationError.Compute(output, cloud);

    /// <summary>The score of method <c>auto</c>: the mean <c>KL(cloud || output)</c> in nats, the objective the maps are fitted to.</summary>
    internal static double CloudKl(ProbabilityMatrix output, ProbabilityMatrix cloud) => CloudAgreement.MeanDivergence(cloud, output);

    /// <summary>
    /// Mean over <paramref name="folds"/> seeded folds of the score (default the cloud-referenced ECE) of <paramref name="output"/> on the held-out
    /// fold, with <c>gamma</c> calibrated on the other folds, for each candidate in <paramref name="grid"/>, and of its top-1
    /// agreement with the cloud. The folds depend only on <c>n</c> and <paramref name="seed"/>, so scores of different
    /// divergences are paired.
    /// </summary>
    private static (double[] Scores, double[] Agreements) CrossFittedScores(ProbabilityMatrix cloud, ProbabilityMatrix edge, FDivergence divergence, CalibratedOutput output, double[] grid, int folds, ulong seed, Func<ProbabilityMatrix, ProbabilityMatrix, double> score, CancellationToken cancellationToken)
    {
        var allScores = SplitConformal.Scores(cloud, edge, divergence);
        var scores = new double[grid.Length];
        var agreements = new double[grid.Length];
        foreach (var (fit, held) in CrossFitFolds.Make(edge.Rows, folds, seed))
        {
            var fitScores = new double[fit.Length];
            for (int m = 0; m < fit.Length; m++)
            {
                fitScores[m] = allScores[fit[m]];
            }

            var heldEdge = edge.Select(held);
            var heldCloud = cloud.Select(held);
            for (int c = 0; c < grid.Length; c++)
            {
                cancellationToken.ThrowIfCancellationRequested();
                double gamma = SplitConformal.Threshold(fitScores, grid[c]);
                var predicted = new CredalPredictor(divergence, gamma).Predict(heldEdge, output);
                scores[c] += score(predicted, heldCloud) / folds;
                agreements[c] += CloudAgreement.TopOneAgreement(heldCloud, predicted) / folds;
            }
        }

        return (scores, agreements);
    }
}
