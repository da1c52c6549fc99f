namespace CredalDistill.Calibration;

/// <summary>
/// Distilled temperature scaling, the label-free point competitor of CD-CI: <c>q = softmax(log p / T)</c> with
/// <c>T = argmin_T (1/n) sum_i KL(p_cloud_i || softmax(log p_i / T))</c> on the unlabeled calibration rows, minimised exactly
/// (convex in <c>1/T</c>, safeguarded Newton) on exact log-probabilities: logits and probabilities give the same <c>T</c>. A
/// point calibration (no credal sets); <c>distilled-ts+cdci</c> adds the conformal set around it.
/// </summary>
public sealed class DistilledTemperatureCalibrator : Calibrator
{
    /// <summary>The registry entry <c>distilled-ts</c>.</summary>
    internal static CalibrationMethod Method { get; } = new(
        "distilled-ts",
        "temperature fitted to the cloud's outputs (mean KL(cloud || softmax(log p / T))), no labels; a point calibration (no sets).",
        _ => new DistilledTemperatureCalibrator())
    {
        AutoCandidate = true,
        Composable = true,
        Maps = [MapShape.Temperature],
        Objectives = [MapObjective.DistilledKullbackLeibler],
    };

    /// <inheritdoc />
    public override string Name => Method.Name;

    /// <inheritdoc />
    private protected override FittedCalibrator FitCore(CalibrationData data, CancellationToken cancellationToken)
    {
        var (t, _) = TemperatureFits.Distilled(data.Cloud, TemperatureFits.LogProbabilities(data.Edge), data.Classes);
        var map = CalibrationMap.FromTemperature(t, data.Classes, MapObjective.DistilledKullbackLeibler, data.Rows);
        return MapCalibration.Fitted(Name, map, CalibratedOutput.Calibrated, data.Rows, null, null, null);
    }
}
