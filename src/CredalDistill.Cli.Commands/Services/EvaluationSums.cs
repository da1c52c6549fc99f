using CredalDistill.Calibration;
using CredalDistill.Cli.Reporting;
using CredalDistill.Conformal;
using CredalDistill.Credal;
using CredalDistill.Metrics;
using CredalDistill.Shift;

namespace CredalDistill.Cli.Services;

/// <summary>
/// One calibrator's evaluation accumulated over chunks of rows (a streamed test set): per method the sums of
/// <see cref="MetricAccumulator"/> (accuracy, NLL, Brier, ECE bins, and each row's confidence and correctness for the
/// debiased ECE and KS error), and the counts behind coverage (<c>#{s_i &lt;= gamma} / n</c>, also by predicted class and,
/// from each row's centre confidence and coverage, by confidence bin), label-set coverage, mean set size and (K = 3) mean
/// volume fraction. Rows are added in file order and Monte Carlo streams are seeded by the global row index, so any
/// chunking gives the one-pass report. Memory grows by 9 bytes a row per method (25 with
/// <see cref="RowRetention.Bootstrap"/>) and 9 more for the conditional coverage of set-valued calibrators.
/// </summary>
public sealed class EvaluationSums
{
    private readonly FittedCalibrator _calibrator;
    private readonly string _artifact;
    private readonly int _classes;
    private readonly List<(string Name, MetricAccumulator Sums)> _methods = [];
    private long _rows;
    private long _covered;
    private long _setCovered;
    private long _cloudCovered;
    private long _sizes;
    private double _volumes;
    private readonly long[] _classRows;
    private readonly long[] _classCovered;
    private long _unboundedRows;
    private double _finiteGammaSum;
    private readonly RowRetention _retention;
    private readonly List<double> _centreConfidence = [];
    private readonly List<bool> _rowCovered = [];

    /// <summary>Empty sums for <paramref name="calibrator"/> on <paramref name="classes"/> classes.</summary>
    /// <param name="calibrator">The fitted calibrator.</param>
    /// <param name="artifact">The artifact's file name, reported as given.</param>
    /// <param name="classes">Number of classes.</param>
    /// <param name="retention">What each method's accumulator keeps per row (<see cref="RowRetention.Bootstrap"/> for <c>--bootstrap</c>).</param>
    public EvaluationSums(FittedCalibrator calibrator, string artifact, int classes, RowRetention retention = RowRetention.Confidence)
    {
        ArgumentNullException.ThrowIfNull(calibrator);
        _calibrator = calibrator;
        _artifact = artifact;
        _classes = classes;
        _retention = retention;
        _classRows = new long[classes];
        _classCovered = new long[classes];
        Method("edge");
        Method("cloud");
        if (CentreName(calibrator) is string centre)
        {
            Method(centre);
        }

        if (calibrator.Predictor is not null)
        {
            Method("cdci-intersection");
            Method("cdci-maxent");
            Method("cdci-centroid");
        }
    }

    /// <summary>
    /// The report's name of the calibration map's output: <c>tempered</c> for a temperature, <c>calibrated</c> for a vector or
    /// matrix map, null for the identity (the centre is the edge itself).
    /// </summary>
    internal static string? CentreName(FittedCalibrator calibrator) => calibrator.Map switch
    {
        null or { IsIdentity: true } => null,
        { Shape: MapShape.Temperature } => "tempered",
        _ => CalibratedOutputNames.Name(CalibratedOutput.Calibrated),
    };

    /// <summary>Adds a chunk of rows: edge, cloud and labels of the same rows, the first being row <paramref name="firstRow"/> of the test set.</summary>
    /// <param name="edge">Edge outputs.</param>
    /// <param name="cloud">Cloud outputs on the same inputs.</param>
    /// <param name="labels">True labels.</param>
    /// <param name="firstRow">0-based index of the chunk's first row (seeds the Monte Carlo streams).</param>
    /// <param name="progress">Receives the completed fraction of the chunk.</param>
    /// <param name="cancellationToken">Interrupts the computation.</param>
    public void Add(ProbabilityMatrix edge, ProbabilityMatrix cloud, ReadOnlySpan<int> labels, int firstRow, IProgress<double>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(edge);
        ArgumentNullException.ThrowIfNull(cloud);
        int n = edge.Rows;
        int k = edge.Classes;
        Sums("edge").Add(edge, labels);
        Sums("cloud").Add(cloud, labels);
        var centre = _calibrator.Centre(edge);
        if (CentreName(_calibrator) is string name)
        {
            Sums(name).Add(centre, labels);
        }

        _rows += n;
        if (_calibrator.Predictor is not { } predictor)
        {
            progress?.Report(1.0);
            return;
        }

        var parts = ProgressSlice.Split(progress, k == 3 ? 4 : 3);
        var sets = predictor.Describe(centre, LabelSetRule.IntervalDominance, cancellationToken, parts[0]);
        Sums("cdci-intersection").Add(sets.Intersection, labels);
        Sums("cdci-maxent").Add(predictor.Predict(centre, CalibratedOutput.MaximumEntropy, cancellationToken, parts[1], firstRow), labels);
        Sums("cdci-centroid").Add(predictor.Predict(centre, CalibratedOutput.Centroid, cancellationToken, parts[2], firstRow), labels);
        if (k == 3)
        {
            foreach (var v in predictor.VolumeFractions(centre, cancellationToken, parts[3], firstRow))
            {
                _volumes += v.Value;
            }
        }

        var scores = SplitConformal.Scores(cloud, centre, predictor.Divergence);
        for (int i = 0; i < n; i++)
        {
            var row = centre.AsEdgeRow(i);
            double gamma = predictor.GammaFor(row);
            int covered = scores[i] <= gamma ? 1 : 0;
            _covered += covered;
            if (double.IsPositiveInfinity(gamma))
            {
                _unboundedRows++;
            }
            else
            {
                _finiteGammaSum += gamma;
            }

            int c = row.ArgMax();
            _classRows[c]++;
            _classCovered[c] += covered;
            _centreConfidence.Add(centre.Row(i)[centre.ArgMax(i)]);
            _rowCovered.Add(covered == 1);
        }

        for (int i = 0; i < n; i++)
        {
            _setCovered += sets.Contains(i, labels[i]) ? 1 : 0;
            _cloudCovered += sets.Contains(i, cloud.ArgMax(i)) ? 1 : 0;
            _sizes += sets.SetSize(i);
        }
    }

    /// <summary>The report of the rows added so far.</summary>
    /// <exception cref="InvalidOperationException">No rows were added.</exception>
    public EvaluationReport Report()
    {
        if (_rows == 0)
        {
            throw new InvalidOperationException("No rows have been added.");
        }

        var report = new EvaluationReport
        {
            Artifact = _artifact,
            Method = _calibrator.Name,
            Output = CalibratedOutputNames.Name(_calibrator.Output),
            Temperature = _calibrator.Map is { Shape: MapShape.Temperature } t ? t.Temperature : null,
            Map = _calibrator.Map is { IsIdentity: false } map ? MapShapes.Name(map.Shape) : null,
            N = checked((int)_rows),
            Classes = _classes,
            Methods = _methods.ToDictionary(m => m.Name, m => MethodMetrics.From(m.Sums), StringComparer.Ordinal),
        };
        if (_calibrator.Predictor is not { } predictor)
        {
            return report;
        }

        double gamma = _calibrator.ReportedGamma;
        bool unbounded = double.IsPositiveInfinity(gamma);
        double n = _rows;
        return report with
        {
            Divergence = predictor.Divergence.Name,
            Epsilon = _calibrator.Epsilon,
            ThresholdRule = predictor.RowThreshold?.Rule ?? RowThreshold.Marginal,
            ClassCoverage = predictor.RowThreshold is MondrianThreshold m
                ? [.. Enumerable.Range(0, _classes).Select(c => new ClassCoverage
                {
                    Class = c,
                    Rows = _classRows[c],
                    CalibrationRows = m.Count(c),
                    Threshold = double.IsPositiveInfinity(m.Gamma(c)) ? null : m.Gamma(c),
                    Coverage = _classRows[c] == 0 ? null : (double)_classCovered[c] / _classRows[c],
                })]
                : null,
            ConditionalCoverage = Conditional(),
            Shift = predictor.RowThreshold is CovariateShiftThreshold shift
                ? new ShiftThresholds
                {
                    DeploymentRows = shift.DeploymentRows,
                    EffectiveCalibrationRows = shift.Scores.EffectiveSize,
                    MeanThreshold = _unboundedRows == _rows ? null : _finiteGammaSum / (_rows - _unboundedRows),
                    UnboundedFraction = _unboundedRows / n,
                }
                : null,
            Threshold = unbounded ? null : gamma,
            Unbounded = unbounded,
            Coverage = _covered / n,
            LabelSets = new LabelSetMetrics
            {
                Coverage = _setCovered / n,
                CloudTop1Coverage = _cloudCovered / n,
                MeanSize = _sizes / n,
            },
            Inefficiency = _classes == 3 ? _volumes / n : null,
        };
    }

    /// <summary>The methods' accumulators, in report order (for the bootstrap and the figures).</summary>
    internal IReadOnlyList<(string Name, MetricAccumulator Sums)> Methods => _methods;

    /// <summary>The calibrator's default output as a method name of the report (<c>tempered</c>, <c>calibrated</c>, <c>cdci-intersection</c>, ...).</summary>
    internal string DefaultMethod => _calibrator.Output == CalibratedOutput.Calibrated ? CentreName(_calibrator) ?? "edge" : "cdci-" + CalibratedOutputNames.Name(_calibrator.Output);

    /// <summary>Coverage by predicted class and by equal-mass confidence bin, and the worst non-empty group.</summary>
    private ConditionalCoverage Conditional()
    {
        var byClass = Enumerable.Range(0, _classes).Select(c => new GroupCoverage
        {
            Group = "class",
            Index = c,
            Rows = _classRows[c],
            Coverage = _classRows[c] == 0 ? null : (double)_classCovered[c] / _classRows[c],
        }).ToList();
        int n = _centreConfidence.Count;
        var order = Enumerable.Range(0, n).OrderBy(i => _centreConfidence[i]).ThenBy(i => i).ToArray();
        const int groups = ConditionalCoverage.ConfidenceGroups;
        var byConfidence = new List<GroupCoverage>(groups);
        for (int b = 0; b < groups; b++)
        {
            int from = (int)((long)b * n / groups);
            int to = (int)((long)(b + 1) * n / groups);
            int covered = 0;
            for (int j = from; j < to; j++)
            {
                covered += _rowCovered[order[j]] ? 1 : 0;
            }

            byConfidence.Add(new GroupCoverage
            {
                Group = "confidence",
                Index = b,
                Lower = to > from ? _centreConfidence[order[from]] : null,
                Upper = to > from ? _centreConfidence[order[to - 1]] : null,
                Rows = to - from,
                Coverage = to > from ? (double)covered / (to - from) : null,
            });
        }

        var worst = byClass.Concat(byConfidence).Where(g => g.Coverage is not null).MinBy(g => g.Coverage!.Value)!;
        return new ConditionalCoverage { ByClass = byClass, ByConfidence = byConfidence, Worst = worst };
    }

    private void Method(string name) => _methods.Add((name, new MetricAccumulator(_classes, retention: _retention)));

    private MetricAccumulator Sums(string name) => _methods.Find(m => m.Name == name).Sums;
}
