namespace CredalDistill.Cli.Reporting;

/// <summary>Coverage within one predicted class under a Mondrian threshold (one entry of the JSON array <c>classCoverage</c>).</summary>
public sealed class ClassCoverage
{
    /// <summary>The edge's predicted class <c>c = argmax p_edge</c>.</summary>
    public int Class { get; init; }

    /// <summary>Evaluated rows the edge predicts as <see cref="Class"/>.</summary>
    public long Rows { get; init; }

    /// <summary>Calibration rows behind the class's threshold.</summary>
    public int CalibrationRows { get; init; }

    /// <summary>The class's threshold <c>gamma_c</c> in nats; null when unbounded.</summary>
    public double? Threshold { get; init; }

    /// <summary>Fraction of the class's rows with <c>D(cloud || edge) &lt;= gamma_c</c>; null when no row is predicted as the class.</summary>
    public double? Coverage { get; init; }
}
