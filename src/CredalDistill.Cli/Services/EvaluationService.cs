using CredalDistill.Calibration;
using CredalDistill.Cli.Reporting;
using CredalDistill.Conformal;
using CredalDistill.Credal;
using CredalDistill.Metrics;

namespace CredalDistill.Cli.Services;

/// <summary>
/// The evaluation of <c>credal evaluate</c> (reusable by <c>credal demo</c>): for one fitted calibrator, the labelled metrics of
/// the edge, the cloud and the calibrator's outputs (the tempered edge when it tempers; the three CD-CI extractions around it
/// when it has a threshold), and for set-valued calibrators the coverage, the label sets and (K = 3) the inefficiency. Every
/// per-row computation is a batch call of the core (<see cref="FittedCalibrator"/>, <see cref="CredalPredictor"/>).
/// </summary>
public static class EvaluationService
{
    /// <summary>Evaluates <paramref name="calibrator"/> on test outputs (all of the same shape; labels one per row).</summary>
    /// <param name="calibrator">The fitted calibrator (e.g. restored from an artifact).</param>
    /// <param name="artifact">The artifact's file name, reported as given.</param>
    /// <param name="edge">Edge outputs on the test inputs.</param>
    /// <param name="cloud">Cloud outputs on the same inputs.</param>
    /// <param name="labels">True labels.</param>
    /// <param name="progress">Receives the completed fraction of the per-row computations.</param>
    /// <param name="cancellationToken">Interrupts the computation.</param>
    public static EvaluationReport Evaluate(FittedCalibrator calibrator, string artifact, ProbabilityMatrix edge, ProbabilityMatrix cloud, int[] labels, IProgress<double>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(calibrator);
        ArgumentNullException.ThrowIfNull(edge);
        ArgumentNullException.ThrowIfNull(cloud);
        ArgumentNullException.ThrowIfNull(labels);
        int n = edge.Rows;
        int k = edge.Classes;
        var methods = new Dictionary<string, MethodMetrics>(StringComparer.Ordinal)
        {
            ["edge"] = MethodMetrics.Compute(edge, labels),
            ["cloud"] = MethodMetrics.Compute(cloud, labels),
        };
        var centre = calibrator.Temper(edge);
        if (calibrator.TemperatureFit is not null)
        {
            methods["tempered"] = MethodMetrics.Compute(centre, labels);
        }

        var report = new EvaluationReport
        {
            Artifact = artifact,
            Method = calibrator.Name,
            Output = CalibratedOutputNames.Name(calibrator.Output),
            Temperature = calibrator.TemperatureFit?.Value,
            N = n,
            Classes = k,
            Methods = methods,
        };
        if (calibrator.Predictor is not { } predictor)
        {
            progress?.Report(1.0);
            return report;
        }

        var parts = ProgressSlice.Split(progress, k == 3 ? 4 : 3);
        var sets = predictor.Describe(centre, LabelSetRule.IntervalDominance, cancellationToken, parts[0]);
        methods["cdci-intersection"] = MethodMetrics.Compute(sets.Intersection, labels);
        methods["cdci-maxent"] = MethodMetrics.Compute(predictor.Predict(centre, CredalOutput.MaximumEntropy, cancellationToken, parts[1]), labels);
        methods["cdci-centroid"] = MethodMetrics.Compute(predictor.Predict(centre, CredalOutput.Centroid, cancellationToken, parts[2]), labels);
        double? inefficiency = k == 3 ? predictor.VolumeFractions(centre, cancellationToken, parts[3]).Average(v => v.Value) : null;
        double gamma = predictor.Gamma;
        bool unbounded = double.IsPositiveInfinity(gamma);
        return report with
        {
            Divergence = predictor.Divergence.Name,
            Epsilon = calibrator.Epsilon,
            Threshold = unbounded ? null : gamma,
            Unbounded = unbounded,
            Coverage = Coverage.FromScores(ConformalCalibrator.Scores(cloud, centre, predictor.Divergence), gamma),
            LabelSets = new LabelSetMetrics
            {
                Coverage = Fraction(n, i => sets.Contains(i, labels[i])),
                CloudTop1Coverage = Fraction(n, i => sets.Contains(i, cloud.ArgMax(i))),
                MeanSize = Enumerable.Range(0, n).Average(sets.SetSize),
            },
            Inefficiency = inefficiency,
        };
    }

    private static double Fraction(int n, Func<int, bool> flag) => (double)Enumerable.Range(0, n).Count(flag) / n;
}
