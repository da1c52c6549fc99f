using System.Text.Json.Serialization;

namespace CredalDistill.Cli.Reporting;

/// <summary>The JSON report of <c>credal evaluate</c> with several <c>--calibration</c> artifacts: one entry per artifact, in the order given.</summary>
public sealed class ComparisonReport
{
    /// <summary>Number of evaluated rows.</summary>
    public int N { get; init; }

    /// <summary>Number of classes.</summary>
    public int Classes { get; init; }

    /// <summary>One evaluation per artifact.</summary>
    public required IReadOnlyList<EvaluationReport> Calibrations { get; init; }

    /// <summary>
    /// With <c>--bootstrap</c>: every method of every other artifact against the first artifact's method of the same name (or,
    /// when it has none, its default output), for each metric; absent otherwise.
    /// </summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public IReadOnlyList<PairedComparison>? Comparisons { get; init; }
}
