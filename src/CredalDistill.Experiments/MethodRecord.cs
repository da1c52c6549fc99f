namespace CredalDistill.Experiments;

/// <summary>The metrics of one method on one split's test set (NaN where a metric does not apply).</summary>
public sealed class MethodRecord
{
    /// <summary>Method identifier, e.g. <c>edge</c>, <c>distilled-ts</c>, <c>cdci/kl/0.1/intersection</c>.</summary>
    public required string Method { get; init; }

    /// <summary>Split index.</summary>
    public required int Split { get; init; }

    /// <summary>Metric name to value: accuracy, ece, nll, brier, cloud-kl, coverage, inefficiency, set-size, set-coverage, epsilon, ...</summary>
    public Dictionary<string, double> Values { get; } = [];
}
