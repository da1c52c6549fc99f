using CredalDistill.Cli.Reporting;
using CredalDistill.Conformal;
using CredalDistill.Credal;
using CredalDistill.Divergences;
using CredalDistill.Metrics;

namespace CredalDistill.Cli.Services;

/// <summary>
/// The evaluation of <c>credal evaluate</c> (reusable by <c>credal demo</c>): coverage of the conformal threshold and
/// the labelled metrics of the edge, the cloud and the three CD-CI outputs on a labelled test set.
/// </summary>
public static class EvaluationService
{
    /// <summary>Evaluates a calibrated threshold on test outputs (all of the same shape; labels one per row).</summary>
    /// <param name="divergence">Divergence of the credal sets.</param>
    /// <param name="gamma">Threshold in nats (may be +infinity).</param>
    /// <param name="epsilon">Miscoverage the threshold was calibrated for (reported only).</param>
    /// <param name="edge">Edge outputs on the test inputs.</param>
    /// <param name="cloud">Cloud outputs on the same inputs.</param>
    /// <param name="labels">True labels.</param>
    /// <param name="progress">Receives the completed fraction of the per-row credal computations.</param>
    /// <param name="options">Predictor settings (Monte Carlo samples of the centroid for K &gt; 3); null for the defaults.</param>
    /// <param name="cancellationToken">Interrupts the computation.</param>
    public static EvaluationReport Evaluate(IDivergence divergence, double gamma, double epsilon, ProbabilityMatrix edge, ProbabilityMatrix cloud, int[] labels, IProgress<double>? progress = null, CredalPredictorOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(divergence);
        ArgumentNullException.ThrowIfNull(edge);
        ArgumentNullException.ThrowIfNull(cloud);
        ArgumentNullException.ThrowIfNull(labels);
        var predictor = new CredalPredictor(divergence, gamma, options);
        int n = edge.Rows;
        int k = edge.Classes;
        var intersection = new double[n * k];
        var maxent = new double[n * k];
        var centroid = new double[n * k];
        var trueCovered = new bool[n];
        var cloudCovered = new bool[n];
        var sizes = new int[n];
        double[]? volumes = k == 3 ? new double[n] : null;
        RowBatches.For(n, progress, i =>
        {
            var p = edge.AsEdgeRow(i);
            bool small = k <= PredictionService.MaxStackClasses;
            Span<double> lower = small ? stackalloc double[k] : new double[k];
            Span<double> upper = small ? stackalloc double[k] : new double[k];
            Span<bool> members = small ? stackalloc bool[k] : new bool[k];

            // Bounds once: the intersection probability and the interval-dominance set both derive from them.
            predictor.BoundsAndIntersection(p, lower, upper, intersection.AsSpan(i * k, k));
            LabelSets.IntervalDominance(lower, upper, members);
            predictor.Predict(p, CredalOutput.MaximumEntropy, maxent.AsSpan(i * k, k), i);
            predictor.Predict(p, CredalOutput.Centroid, centroid.AsSpan(i * k, k), i);
            trueCovered[i] = members[labels[i]];
            cloudCovered[i] = members[cloud.ArgMax(i)];
            sizes[i] = members.Count(true);
            if (volumes is not null)
            {
                volumes[i] = VolumeFraction.Compute(divergence, p, gamma, predictor.Options.MonteCarlo with { Stream = (ulong)i }).Value;
            }
        }, cancellationToken);

        var scores = ConformalCalibrator.Scores(cloud, edge, divergence);
        bool unbounded = double.IsPositiveInfinity(gamma);
        return new EvaluationReport
        {
            Divergence = divergence.Name,
            Epsilon = epsilon,
            Threshold = unbounded ? null : gamma,
            Unbounded = unbounded,
            N = n,
            Classes = k,
            Coverage = Coverage.FromScores(scores, gamma),
            Methods = new MethodTable
            {
                Edge = MethodMetrics.Compute(edge, labels),
                Cloud = MethodMetrics.Compute(cloud, labels),
                Intersection = MethodMetrics.Compute(ProbabilityMatrix.FromProbabilities(intersection, k, "intersection"), labels),
                MaximumEntropy = MethodMetrics.Compute(ProbabilityMatrix.FromProbabilities(maxent, k, "maxent"), labels),
                Centroid = MethodMetrics.Compute(ProbabilityMatrix.FromProbabilities(centroid, k, "centroid"), labels),
            },
            LabelSets = new LabelSetMetrics
            {
                Coverage = Fraction(trueCovered),
                CloudTop1Coverage = Fraction(cloudCovered),
                MeanSize = sizes.Average(),
            },
            Inefficiency = volumes?.Average(),
        };
    }

    private static double Fraction(bool[] flags) => (double)flags.Count(f => f) / flags.Length;
}
