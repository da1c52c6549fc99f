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
}
