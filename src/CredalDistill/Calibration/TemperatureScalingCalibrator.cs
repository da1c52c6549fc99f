using CredalDistill.Baselines;

namespace CredalDistill.Calibration;

/// <summary>
/// Temperature scaling with labels (Guo et al. 2017), <c>p = softmax(z / T)</c>: <c>T</c> minimises the NLL
/// <c>(1/n) sum_i [logsumexp(z_i / T) - z_{i,y_i} / T]</c> (default) or the paper's 15-bin ECE over <c>T in {0.1, ..., 4.0}</c>
/// (<see cref="TemperatureScaling"/>). Needs labels; a point calibration (no credal sets).
/// </summary>
public sealed class TemperatureScalingCalibrator : Calibrator
{
    /// <summary>What <c>T</c> minimises: <see cref="TemperatureObjective.NegativeLogLikelihood"/> (default) or <see cref="TemperatureObjective.ExpectedCalibrationError"/>.</summary>
    public TemperatureObjective Objective { get; init; } = TemperatureObjective.NegativeLogLikelihood;

    /// <inheritdoc />
    public override string Name => CalibratorNames.Ts;

    /// <inheritdoc />
    protected override FittedCalibrator FitCore(CalibrationData data, CancellationToken cancellationToken)
    {
        if (!data.HasLabels)
        {
            throw new ArgumentException("ts (temperature scaling) needs the true labels of the calibration rows; none were given.", nameof(data));
        }

        var logits = TemperedEdge.Logits(data.Edge);
        var fit = Objective switch
        {
            TemperatureObjective.NegativeLogLikelihood => (TemperatureScaling.FitNll(logits, data.Classes, data.Labels.Span), TemperatureFit.Nll),
            TemperatureObjective.ExpectedCalibrationError => (TemperatureScaling.FitEce(logits, data.Classes, data.Labels.Span), TemperatureFit.Ece),
            _ => throw new ArgumentOutOfRangeException(nameof(data), Objective, "Objective must be NegativeLogLikelihood or ExpectedCalibrationError."),
        };
        return new TemperedCredalCalibration(Name, data.Classes, CalibratedOutput.Tempered, new TemperatureFit(fit.Item1.Temperature, fit.Item2, data.Rows), null, null, null, null);
    }
}
