namespace CredalDistill.Experiments;

/// <summary>The metrics of one method on one split's test set (NaN where a metric does not apply).</summary>
public sealed class MethodRecord
{
    /// <summary>The method and its settings.</summary>
    public required MethodKey Method { get; init; }

    /// <summary>Split index.</summary>
    public required int Split { get; init; }

    /// <summary>Metric name to value: accuracy, ece, nll, brier, cloud-agreement, coverage, inefficiency, set-size, set-coverage, epsilon, ...</summary>
    public Dictionary<string, double> Values { get; } = [];
}
