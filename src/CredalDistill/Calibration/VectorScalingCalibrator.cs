namespace CredalDistill.Calibration;

/// <summary>
/// vector scaling fitted to the labels (NLL): q = softmax(w * log p + b), the intercepts penalised (--regularization, auto: 5-fold cross-fitted NLL); a point calibration. The map is <c>q = softmax(w * l + b)</c> (elementwise), <c>l = log p_edge</c>, penalty <c>lam sum_k b_k^2 / K</c>, fitted to the NLL of the calibration rows' labels (convex; L-BFGS from the identity to a gradient norm of 1e-10,
/// <see cref="LogLinearFit"/>). It reads exact log-probabilities, so logits and probabilities give the same map.
/// </summary>
public sealed class VectorScalingCalibrator : Calibrator
{
    /// <summary>The registry entry <c>vs</c>.</summary>
    internal static CalibrationMethod Method { get; } = new(
        "vs",
        "vector scaling fitted to the labels (NLL): q = softmax(w * log p + b), the intercepts penalised (--regularization, auto: 5-fold cross-fitted NLL); a point calibration.",
        o => new VectorScalingCalibrator { Regularization = o.Regularization, Seed = o.Seed })
    {
        NeedsLabels = true,
        AutoCandidate = false,
        Composable = false,
        Maps = [MapShape.Vector],
        Objectives = [MapObjective.NegativeLogLikelihood],
        Options = [MethodOptionNames.Regularization],
    };

    /// <summary>The penalty weight <c>lam &gt;= 0</c>; null chooses it by 5-fold cross-fitting over <c>1e-4 .. 1e1</c> (ties: the smallest). Default null.</summary>
    public double? Regularization { get; init; }

    /// <summary>Seed of the cross-fitting folds. Default 1.</summary>
    public ulong Seed { get; init; } = 1;

    /// <inheritdoc />
    public override string Name => Method.Name;

    /// <inheritdoc />
    private protected override FittedCalibrator FitCore(CalibrationData data, CancellationToken cancellationToken)
    {
        var map = LogLinearFit.Fit(data, MapShape.Vector, labels: true, Regularization, Seed, cancellationToken);
        return MapCalibration.Fitted(Name, map, CalibratedOutput.Calibrated, data.Rows, null, null, null);
    }
}
