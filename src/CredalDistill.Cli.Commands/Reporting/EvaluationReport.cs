namespace CredalDistill.Cli.Reporting;

/// <summary>
/// The evaluation of one calibration artifact (<c>credal evaluate --json</c>; field names in camelCase; see <c>docs/CLI.md</c>).
/// With one artifact it is the whole JSON report; with several, one entry of <see cref="ComparisonReport.Calibrations"/>.
/// The threshold fields are null for point calibrations (<c>ts</c>, <c>distilled-ms</c>, ...).
/// </summary>
public sealed record EvaluationReport
{
    /// <summary>The artifact file as given on the command line.</summary>
    public required string Artifact { get; init; }

    /// <summary>The artifact's method (a registered name: <c>cdci</c>, <c>distilled-ms</c>, <c>distilled-ms+cdci</c>, <c>auto</c>, ...).</summary>
    public required string Method { get; init; }

    /// <summary>The artifact's default output (<c>calibrated</c>, <c>intersection</c>, <c>maxent</c>, <c>centroid</c>).</summary>
    public required string Output { get; init; }

    /// <summary>The temperature; null when the method does not temper.</summary>
    public double? Temperature { get; init; }

    /// <summary>The calibration map's shape (<c>temperature</c>, <c>vector</c>, <c>matrix</c>); null for CD-CI around the edge itself.</summary>
    public string? Map { get; init; }

    /// <summary>Divergence of the credal sets; null for point calibrations.</summary>
    public string? Divergence { get; init; }

    /// <summary>Miscoverage level the threshold was calibrated for; null for point calibrations.</summary>
    public double? Epsilon { get; init; }

    /// <summary>
    /// How each row's threshold is chosen: <c>marginal</c> (one threshold; PAC when the artifact has a delta), <c>mondrian</c>
    /// (by the edge's predicted class, see <see cref="ClassCoverage"/>) or <c>shift</c> (weighted under covariate shift, see
    /// <see cref="Shift"/>); null for point calibrations.
    /// </summary>
    public string? ThresholdRule { get; init; }

    /// <summary>Threshold gamma in nats; null when unbounded or for point calibrations. For <c>mondrian</c> and <c>shift</c>, the marginal threshold of all calibration scores, for reference (rows use their own).</summary>
    public double? Threshold { get; init; }

    /// <summary>True when gamma = +infinity; null for point calibrations.</summary>
    public bool? Unbounded { get; init; }

    /// <summary>Number of evaluated rows.</summary>
    public int N { get; init; }

    /// <summary>Number of classes.</summary>
    public int Classes { get; init; }

    /// <summary>Fraction of rows with <c>D(cloud || centre) &lt;= threshold</c> (centre: the edge, or the map's output) (each row's own threshold); null for point calibrations.</summary>
    public double? Coverage { get; init; }

    /// <summary>Coverage within each predicted class (<c>mondrian</c> only; null otherwise).</summary>
    public IReadOnlyList<ClassCoverage>? ClassCoverage { get; init; }

    /// <summary>Coverage by predicted class and by confidence bin, and the worst such group; null for point calibrations.</summary>
    public ConditionalCoverage? ConditionalCoverage { get; init; }

    /// <summary>The per-row thresholds over the evaluated rows (<c>shift</c> only; null otherwise).</summary>
    public ShiftThresholds? Shift { get; init; }

    /// <summary>Labelled metrics by method name: <c>edge</c>, <c>cloud</c>, then <c>tempered</c> (a temperature map) or <c>calibrated</c> (a vector or matrix map) and <c>cdci-intersection</c>, <c>cdci-maxent</c>, <c>cdci-centroid</c> (set-valued methods).</summary>
    public required IReadOnlyDictionary<string, MethodMetrics> Methods { get; init; }

    /// <summary>Interval-dominance label sets; null for point calibrations.</summary>
    public LabelSetMetrics? LabelSets { get; init; }

    /// <summary>Mean fraction of the simplex volume inside the credal sets (exact, K = 3 only; null otherwise).</summary>
    public double? Inefficiency { get; init; }
}
