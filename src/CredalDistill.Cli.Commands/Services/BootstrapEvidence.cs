using CredalDistill.Cli.Reporting;
using CredalDistill.Metrics;

namespace CredalDistill.Cli.Services;

/// <summary>
/// <c>credal evaluate --bootstrap</c>: one paired <see cref="CalibrationBootstrap"/> over every evaluated method of every
/// artifact (the edge and cloud once, they are the same rows for all), then the 95% intervals of each method's metrics, the
/// paired comparisons against the first artifact and the per-bin accuracy bands of the reliability diagrams.
/// </summary>
internal sealed class BootstrapEvidence
{
    private static readonly CalibrationMetric[] Metrics = Enum.GetValues<CalibrationMetric>();
    private readonly BootstrapResult _result;
    private readonly Dictionary<(int Artifact, string Method), int> _index;

    private BootstrapEvidence(BootstrapResult result, Dictionary<(int Artifact, string Method), int> index)
    {
        _result = result;
        _index = index;
    }

    /// <summary>Runs the bootstrap over the accumulators of <paramref name="sums"/> (kept with <see cref="RowRetention.Bootstrap"/>).</summary>
    public static BootstrapEvidence Run(IReadOnlyList<EvaluationSums> sums, int replicates, ulong seed, IProgress<double>? progress, CancellationToken cancellationToken)
    {
        var index = new Dictionary<(int, string), int>();
        var accumulators = new List<MetricAccumulator>();
        for (int a = 0; a < sums.Count; a++)
        {
            foreach (var (name, accumulator) in sums[a].Methods)
            {
                if (a > 0 && name is "edge" or "cloud")
                {
                    index[(a, name)] = index[(0, name)];
                    continue;
                }

                index[(a, name)] = accumulators.Count;
                accumulators.Add(accumulator);
            }
        }

        var result = new CalibrationBootstrap { Replicates = replicates, Seed = seed }.Run(accumulators, progress, cancellationToken);
        return new BootstrapEvidence(result, index);
    }

    /// <summary>The reports with each method's <see cref="MethodMetrics.Intervals"/> filled in.</summary>
    public List<EvaluationReport> WithIntervals(IReadOnlyList<EvaluationReport> reports)
    {
        var updated = new List<EvaluationReport>(reports.Count);
        for (int a = 0; a < reports.Count; a++)
        {
            var methods = new Dictionary<string, MethodMetrics>(StringComparer.Ordinal);
            foreach (var (name, metrics) in reports[a].Methods)
            {
                int m = _index[(a, name)];
                methods[name] = metrics.WithIntervals(Metrics.ToDictionary(MethodMetrics.Name, metric => Pair(_result.Interval(m, metric)), StringComparer.Ordinal));
            }

            updated.Add(reports[a] with { Methods = methods });
        }

        return updated;
    }

    /// <summary>
    /// Every method of every artifact after the first (the edge and cloud excepted: they are the same rows) against the first
    /// artifact's method of the same name, or its default output when it has none; one entry per metric.
    /// </summary>
    public List<PairedComparison> Comparisons(IReadOnlyList<EvaluationReport> reports, IReadOnlyList<EvaluationSums> sums)
    {
        var comparisons = new List<PairedComparison>();
        var first = reports[0];
        for (int a = 1; a < reports.Count; a++)
        {
            foreach (string name in reports[a].Methods.Keys.Where(n => n is not ("edge" or "cloud")))
            {
                string baseline = first.Methods.ContainsKey(name) ? name : sums[0].DefaultMethod;
                if (!_index.TryGetValue((0, baseline), out int b))
                {
                    continue;
                }

                int m = _index[(a, name)];
                foreach (var metric in Metrics)
                {
                    comparisons.Add(new PairedComparison
                    {
                        Baseline = $"{first.Artifact}:{baseline}",
                        Method = $"{reports[a].Artifact}:{name}",
                        Metric = MethodMetrics.Name(metric),
                        Difference = _result.Difference(b, m, metric),
                        Interval = Pair(_result.DifferenceInterval(b, m, metric)),
                    });
                }
            }
        }

        return comparisons;
    }

    /// <summary>The 95% interval of each equal-width bin's accuracy for one method (NaN bounds for bins that stay empty).</summary>
    public BootstrapInterval[] Bands(int artifact, string method)
    {
        int m = _index[(artifact, method)];
        return [.. Enumerable.Range(0, _result.Bins).Select(b => _result.BinAccuracyInterval(m, b))];
    }

    private static double[] Pair(BootstrapInterval interval) => [interval.Lower, interval.Upper];
}
