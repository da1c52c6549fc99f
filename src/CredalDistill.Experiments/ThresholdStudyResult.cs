namespace CredalDistill.Experiments;

/// <summary>One task's threshold-variant and covariate-shift results (<see cref="ThresholdStudy"/>), means over splits, fractions.</summary>
public sealed class ThresholdStudyResult
{
    /// <summary>Task name.</summary>
    public required string Task { get; init; }

    /// <summary>Number of classes.</summary>
    public required int Classes { get; init; }

    /// <summary>Number of splits.</summary>
    public required int Splits { get; init; }

    /// <summary>marginal, pac, mondrian.</summary>
    public required IReadOnlyDictionary<string, VariantSummary> Variants { get; init; }

    /// <summary>One entry per simulated shift.</summary>
    public required IReadOnlyList<ShiftSummary> Shifts { get; init; }
}

/// <summary>A threshold rule's test results over the splits.</summary>
public sealed class VariantSummary
{
    /// <summary>Mean test coverage.</summary>
    public required double Coverage { get; init; }

    /// <summary>Standard deviation of the test coverage over splits.</summary>
    public required double CoverageStd { get; init; }

    /// <summary>Fraction of splits whose test coverage is at least 1 - eps (what PAC promises with probability 1 - delta).</summary>
    public required double SplitsAtTarget { get; init; }

    /// <summary>Mean over splits of the lowest coverage within a predicted class.</summary>
    public required double MinClassCoverage { get; init; }

    /// <summary>Mean coverage within each predicted class.</summary>
    public required IReadOnlyList<double> ClassCoverage { get; init; }

    /// <summary>Mean interval-dominance label-set size.</summary>
    public required double SetSize { get; init; }

    /// <summary>Mean threshold applied to a test row (nats).</summary>
    public required double Gamma { get; init; }
}

/// <summary>Coverage under one simulated shift: the clean threshold against the weighted (density-ratio) one.</summary>
public sealed class ShiftSummary
{
    /// <summary>Shift name, e.g. "noise 0.3".</summary>
    public required string Shift { get; init; }

    /// <summary>Coverage of the clean marginal threshold on shifted inputs.</summary>
    public required double CleanCoverage { get; init; }

    /// <summary>Coverage of the weighted threshold on shifted inputs.</summary>
    public required double WeightedCoverage { get; init; }

    /// <summary>Its standard deviation over splits.</summary>
    public required double WeightedCoverageStd { get; init; }

    /// <summary>Fraction of shifted rows whose weighted threshold is +infinity.</summary>
    public required double UnboundedFraction { get; init; }

    /// <summary>Mean clean threshold (nats).</summary>
    public required double CleanGamma { get; init; }

    /// <summary>Mean finite weighted threshold (nats).</summary>
    public required double WeightedGamma { get; init; }

    /// <summary>Edge accuracy on the shifted test images.</summary>
    public required double EdgeAccuracy { get; init; }

    /// <summary>Cloud accuracy on the shifted test images.</summary>
    public required double CloudAccuracy { get; init; }
}
