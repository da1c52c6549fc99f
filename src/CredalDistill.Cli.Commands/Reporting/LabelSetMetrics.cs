namespace CredalDistill.Cli.Reporting;

/// <summary>Quality of the interval-dominance label sets (JSON object <c>labelSets</c>).</summary>
public sealed class LabelSetMetrics
{
    /// <summary>The rule, always <c>interval</c> (interval dominance).</summary>
    public string Rule { get; init; } = "interval";

    /// <summary>Fraction of rows whose label set contains the true label.</summary>
    public double Coverage { get; init; }

    /// <summary>Fraction of rows whose label set contains the cloud model's top-1 label.</summary>
    public double CloudTop1Coverage { get; init; }

    /// <summary>Mean number of labels per set.</summary>
    public double MeanSize { get; init; }
}
