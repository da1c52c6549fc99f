namespace CredalDistill.Cli.Reporting;

/// <summary>The per-row thresholds of a covariate-shift artifact over the evaluated rows (JSON object <c>shift</c>).</summary>
public sealed class ShiftThresholds
{
    /// <summary>Unlabeled deployment rows the density ratio was fitted on.</summary>
    public int DeploymentRows { get; init; }

    /// <summary>Kish's effective size of the weighted calibration scores.</summary>
    public double EffectiveCalibrationRows { get; init; }

    /// <summary>Mean of the finite per-row thresholds (nats); null when every row is unbounded.</summary>
    public double? MeanThreshold { get; init; }

    /// <summary>Fraction of rows whose threshold is unbounded (the whole simplex).</summary>
    public double UnboundedFraction { get; init; }
}
