namespace CredalDistill.Cli.Reporting;

/// <summary>
/// One paired bootstrap comparison (an entry of the JSON list <c>comparisons</c>): a metric of <see cref="Method"/> minus
/// the same metric of <see cref="Baseline"/>, both computed on the same resampled rows in every replicate.
/// </summary>
public sealed class PairedComparison
{
    /// <summary>The first artifact's method, as <c>artifact:method</c> (e.g. <c>cdci.json:cdci-intersection</c>).</summary>
    public required string Baseline { get; init; }

    /// <summary>The compared artifact's method, as <c>artifact:method</c>.</summary>
    public required string Method { get; init; }

    /// <summary>The metric: <c>accuracy</c>, <c>ece</c>, <c>eceDebiased</c>, <c>ksError</c>, <c>nll</c> or <c>brier</c>.</summary>
    public required string Metric { get; init; }

    /// <summary>Point estimate <c>metric(method) - metric(baseline)</c> on the test rows.</summary>
    public double Difference { get; init; }

    /// <summary>95% percentile interval <c>[lo, hi]</c> of the difference over the resamples; it excludes 0 when the difference is distinguishable at that level.</summary>
    public required double[] Interval { get; init; }
}
