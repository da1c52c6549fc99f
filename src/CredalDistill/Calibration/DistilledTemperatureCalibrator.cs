using CredalDistill.Baselines;

namespace CredalDistill.Calibration;

/// <summary>
/// Distilled temperature scaling, the label-free point competitor of CD-CI: <c>p = softmax(z / T)</c> with
/// <c>T = argmin_T (1/n) sum_i KL(p_cloud_i || softmax(z_i / T))</c> (<see cref="DistilledTemperatureScaling"/>). A point
/// calibration (no credal sets).
/// </summary>
public sealed class DistilledTemperatureCalibrator : Calibrator
{
    /// <inheritdoc />
    public override string Name => CalibratorNames.DistilledTs;

    /// <inheritdoc />
    protected override FittedCalibrator FitCore(CalibrationData data, CancellationToken cancellationToken)
    {
        var fit = DistilledTemperatureScaling.Fit(data.Cloud, TemperedEdge.Logits(data.Edge), data.Classes);
        return new TemperedCredalCalibration(Name, data.Classes, CalibratedOutput.Tempered, new TemperatureFit(fit.Temperature, TemperatureFit.DistilledKl, data.Rows), null, null, null, null);
    }
}
