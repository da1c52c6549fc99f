namespace CredalDistill.Calibration;

/// <summary>
/// Temperature scaling with labels (Guo et al. 2017), <c>q = softmax(log p / T)</c>: <c>T</c> minimises the NLL
/// <c>(1/n) sum_i [logsumexp(l_i / T) - l_{i,y_i} / T]</c> exactly on <c>T in [0.01, 100]</c> (default), or the paper's
/// 15-bin ECE over the grid <c>T in {0.1, ..., 4.0}</c> (ties to the smallest). Reads exact log-probabilities <c>l</c>, so
/// logits and probabilities give the same <c>T</c>. Needs labels; a point calibration (no credal sets).
/// </summary>
public sealed class TemperatureScalingCalibrator : Calibrator
{
    /// <summary>The registry entry <c>ts</c>.</summary>
    internal static CalibrationMethod Method { get; } = new(
        "ts",
        "temperature scaling fitted to the labels (NLL, or the paper's ECE grid); a point calibration (no sets).",
        o => new TemperatureScalingCalibrator { Objective = o.Objective })
    {
        NeedsLabels = true,
        Maps = [MapShape.Temperature],
        Objectives = [MapObjective.NegativeLogLikelihood, MapObjective.ExpectedCalibrationError],
        Options = [MethodOptionNames.Objective],
    };

    /// <summary>What <c>T</c> minimises: <see cref="MapObjective.NegativeLogLikelihood"/> (default) or <see cref="MapObjective.ExpectedCalibrationError"/>.</summary>
    public MapObjective Objective { get; init; } = MapObjective.NegativeLogLikelihood;

    /// <inheritdoc />
    public override string Name => Method.Name;

    /// <inheritdoc />
    private protected override FittedCalibrator FitCore(CalibrationData data, CancellationToken cancellationToken)
    {
        if (!data.HasLabels)
        {
            throw new ArgumentException("ts (temperature scaling) needs the true labels of the calibration rows; none were given.", nameof(data));
        }

        var l = TemperatureFits.LogProbabilities(data.Edge);
        var (t, _) = Objective switch
        {
            MapObjective.NegativeLogLikelihood => TemperatureFits.Nll(l, data.Classes, data.Labels.Span),
            MapObjective.ExpectedCalibrationError => TemperatureFits.Ece(l, data.Classes, data.Labels.Span),
            _ => throw new ArgumentException($"ts minimises nll or ece; got {MapShapes.Name(Objective)}.", nameof(data)),
        };
        var map = CalibrationMap.FromTemperature(t, data.Classes, Objective, data.Rows);
        return MapCalibration.Fitted(Name, map, CalibratedOutput.Calibrated, data.Rows, null, null, null);
    }
}
