namespace CredalDistill.Experiments;

/// <summary>
/// A paired comparison of two methods over the same splits: on split <c>j</c>, <c>d_j = metric(method, j) - metric(baseline, j)</c>
/// (both fitted on that split's calibration/labeled rows and scored on its test rows), the mean <c>dbar</c> over the
/// <c>J</c> splits, and the corrected resampled t interval (Nadeau and Bengio 2003)
/// <code>
/// dbar -+ t_{J-1, (1+L)/2} sqrt( (1/J + n_test / n_fit) s_d^2 )
/// </code>
/// with <c>s_d^2</c> the sample variance of the <c>d_j</c>.
/// </summary>
/// <remarks>
/// Why this interval: the splits are random partitions of ONE pool of inputs, so two splits share most of their test rows
/// (and fit on overlapping rows); their differences are positively correlated, and the plain t interval
/// <c>s_d / sqrt(J)</c> would treat 50 splits as 50 independent experiments and be far too narrow. The correction models
/// that correlation as <c>n_test / n_total</c>, the share of the pool a test set takes, which inflates the variance of the
/// mean from <c>s_d^2 / J</c> to <c>(1/J + n_test/n_fit) s_d^2</c>. It is an approximation (conservative when the fitted
/// methods barely vary between splits), chosen over a bootstrap over splits, which has the same independence problem. A
/// difference is "better" or "worse" when the interval excludes 0, otherwise "not distinguishable"; one split gives no
/// interval (not distinguishable).
/// </remarks>
/// <param name="Splits">Number of splits <c>J</c> where both methods have the metric.</param>
/// <param name="Mean">Mean difference <c>dbar</c> (method minus baseline).</param>
/// <param name="Lower">Lower end of the interval (-infinity for one split).</param>
/// <param name="Upper">Upper end of the interval (+infinity for one split).</param>
public sealed record SplitComparison(int Splits, double Mean, double Lower, double Upper)
{
    /// <summary>The level of the intervals in docs/RESULTS.md, 0.95.</summary>
    public const double Level = 0.95;

    /// <summary>True when the interval lies strictly on one side of 0.</summary>
    public bool ExcludesZero => Lower > 0 || Upper < 0;

    /// <summary>
    /// Compares <paramref name="method"/> with <paramref name="baseline"/> on <paramref name="metric"/> over the splits where
    /// both have it; null when they share none.
    /// </summary>
    /// <param name="records">Per-split records of (at least) the two methods.</param>
    /// <param name="baseline">The method subtracted.</param>
    /// <param name="method">The method compared.</param>
    /// <param name="metric">A metric name of <see cref="MethodRecord.Values"/> (e.g. <c>ece</c>).</param>
    /// <param name="testToFit"><c>n_test / n_fit</c>: test rows per split over the rows fitted on (calibration + labeled).</param>
    /// <param name="level">Interval level in (0, 1).</param>
    public static SplitComparison? Of(IEnumerable<MethodRecord> records, MethodKey baseline, MethodKey method, string metric, double testToFit, double level = Level)
    {
        ArgumentNullException.ThrowIfNull(records);
        var list = records as IReadOnlyCollection<MethodRecord> ?? [.. records];
        var a = Values(list, baseline, metric);
        var b = Values(list, method, metric);
        var differences = a.Keys.Where(b.ContainsKey).Order().Select(split => b[split] - a[split]).ToArray();
        return differences.Length == 0 ? null : FromDifferences(differences, testToFit, level);
    }

    /// <summary>The interval of given per-split differences (see the type's formula).</summary>
    public static SplitComparison FromDifferences(IReadOnlyList<double> differences, double testToFit, double level = Level)
    {
        ArgumentNullException.ThrowIfNull(differences);
        int j = differences.Count;
        double mean = differences.Average();
        if (j < 2)
        {
            return new SplitComparison(j, mean, double.NegativeInfinity, double.PositiveInfinity);
        }

        double variance = differences.Sum(d => (d - mean) * (d - mean)) / (j - 1);
        double half = StudentT.Quantile((1 + level) / 2, j - 1) * Math.Sqrt(((1.0 / j) + testToFit) * variance);
        return new SplitComparison(j, mean, mean - half, mean + half);
    }

    /// <summary>"better", "worse" or "not distinguishable" for the compared method (lower is better unless <paramref name="higherIsBetter"/>).</summary>
    public string Verdict(bool higherIsBetter = false) => !ExcludesZero ? "not distinguishable" : (Lower > 0) == higherIsBetter ? "better" : "worse";

    private static Dictionary<int, double> Values(IEnumerable<MethodRecord> records, MethodKey method, string metric)
    {
        var values = new Dictionary<int, double>();
        foreach (var r in records)
        {
            if (r.Method == method && r.Values.TryGetValue(metric, out double v) && !double.IsNaN(v))
            {
                values[r.Split] = v;
            }
        }

        return values;
    }
}
