using System.Text.Json.Serialization;

namespace CredalDistill.Experiments;

/// <summary>One task's monitoring results (<see cref="MonitoringStudy"/>), fractions.</summary>
public sealed class MonitoringStudyResult
{
    /// <summary>Task name.</summary>
    public required string Task { get; init; }

    /// <summary>The monitored threshold (nats).</summary>
    public required double Gamma { get; init; }

    /// <summary>Coverage of the threshold over the clean test pool.</summary>
    public required double CleanCoverage { get; init; }

    /// <summary>Fraction of unshifted streams that raised an alarm.</summary>
    public required double FalseAlarmRate { get; init; }

    /// <summary>One entry per simulated shift.</summary>
    public required IReadOnlyList<MonitoringShiftSummary> Shifts { get; init; }

    /// <summary>The shift of the traced stream.</summary>
    public required string TraceShift { get; init; }

    /// <summary>Running coverage of one shifted stream (for the figure).</summary>
    [JsonIgnore]
    public double[] TraceCoverage { get; init; } = [];

    /// <summary>Lower end of its confidence sequence.</summary>
    [JsonIgnore]
    public double[] TraceLower { get; init; } = [];

    /// <summary>Upper end of its confidence sequence.</summary>
    [JsonIgnore]
    public double[] TraceUpper { get; init; } = [];
}

/// <summary>Detection of one simulated shift.</summary>
public sealed class MonitoringShiftSummary
{
    /// <summary>Shift name.</summary>
    public required string Shift { get; init; }

    /// <summary>Coverage of the clean threshold over the shifted test pool (what the monitor should detect when below 1 - eps).</summary>
    public required double ShiftedCoverage { get; init; }

    /// <summary>Fraction of streams that raised the alarm after the change.</summary>
    public required double DetectionRate { get; init; }

    /// <summary>Fraction of streams that raised it before the change (false alarms).</summary>
    public required double EarlyAlarmRate { get; init; }

    /// <summary>Mean audited inputs from the change to the alarm (detected streams).</summary>
    public required double MeanDelay { get; init; }

    /// <summary>Median delay.</summary>
    public required double MedianDelay { get; init; }

    /// <summary>Coverage after the change with the fixed threshold.</summary>
    public required double FixedCoverageAfterShift { get; init; }

    /// <summary>Coverage after the change with the adaptive (ACI) threshold.</summary>
    public required double AdaptiveCoverageAfterShift { get; init; }
}
