using System.Text.Json.Serialization;

namespace CredalDistill.Cli.Reporting;

/// <summary>The <c>methods</c> object of the evaluation report, keyed by method name.</summary>
public sealed class MethodTable
{
    /// <summary>The edge model's own probabilities.</summary>
    [JsonPropertyName("edge")]
    public required MethodMetrics Edge { get; init; }

    /// <summary>The cloud model's probabilities (the distillation target).</summary>
    [JsonPropertyName("cloud")]
    public required MethodMetrics Cloud { get; init; }

    /// <summary>CD-CI intersection probability.</summary>
    [JsonPropertyName("cdci-intersection")]
    public required MethodMetrics Intersection { get; init; }

    /// <summary>CD-CI maximum-entropy member.</summary>
    [JsonPropertyName("cdci-maxent")]
    public required MethodMetrics MaximumEntropy { get; init; }

    /// <summary>CD-CI centroid (credal average).</summary>
    [JsonPropertyName("cdci-centroid")]
    public required MethodMetrics Centroid { get; init; }

    /// <summary>The methods in report order with their JSON names.</summary>
    public IEnumerable<(string Name, MethodMetrics Metrics)> All()
    {
        yield return ("edge", Edge);
        yield return ("cloud", Cloud);
        yield return ("cdci-intersection", Intersection);
        yield return ("cdci-maxent", MaximumEntropy);
        yield return ("cdci-centroid", Centroid);
    }
}
