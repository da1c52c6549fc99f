namespace CredalDistill.Cli.Reporting;

/// <summary>The JSON report of <c>credal evaluate --json</c> (field names in camelCase; see <c>docs/CLI.md</c>).</summary>
public sealed class EvaluationReport
{
    /// <summary>Divergence of the credal sets.</summary>
    public required string Divergence { get; init; }

    /// <summary>Miscoverage level the threshold was calibrated for.</summary>
    public double Epsilon { get; init; }

    /// <summary>Threshold gamma in nats; null when unbounded.</summary>
    public double? Threshold { get; init; }

    /// <summary>True when gamma = +infinity.</summary>
    public bool Unbounded { get; init; }

    /// <summary>Number of evaluated rows.</summary>
    public int N { get; init; }

    /// <summary>Number of classes.</summary>
    public int Classes { get; init; }

    /// <summary>Fraction of rows with <c>D(cloud || edge) &lt;= threshold</c>.</summary>
    public double Coverage { get; init; }

    /// <summary>Per-method labelled metrics.</summary>
    public required MethodTable Methods { get; init; }

    /// <summary>Interval-dominance label sets.</summary>
    public required LabelSetMetrics LabelSets { get; init; }

    /// <summary>Mean fraction of the simplex volume inside the credal sets (exact, K = 3 only; null otherwise).</summary>
    public double? Inefficiency { get; init; }
}
