namespace CredalDistill.Calibration;

/// <summary>
/// matrix scaling of the log-probabilities fitted to the cloud's outputs, no labels (Dirichlet calibration): q = softmax(W log p + b), off-diagonal weights and intercepts penalised (ODIR; --regularization, auto: 5-fold cross-fitted KL to the cloud); a point calibration that can repair the arg-max. The map is <c>q = softmax(W l + b)</c>, <c>l = log p_edge</c>, ODIR penalty <c>lam (sum_{j != k} W_jk^2 / (K (K - 1)) + sum_k b_k^2 / K)</c> (diagonal free), fitted to the mean KL(p_cloud || q) on the unlabeled calibration rows (convex; L-BFGS from the identity to a gradient norm of 1e-10,
/// <see cref="LogLinearFit"/>). It reads exact log-probabilities, so logits and probabilities give the same map.
/// </summary>
public sealed class DistilledMatrixScalingCalibrator : Calibrator
{
    /// <summary>The registry entry <c>distilled-ms</c>.</summary>
    internal static CalibrationMethod Method { get; } = new(
        "distilled-ms",
        "matrix scaling of the log-probabilities fitted to the cloud's outputs, no labels (Dirichlet calibration): q = softmax(W log p + b), off-diagonal weights and intercepts penalised (ODIR; --regularization, auto: 5-fold cross-fitted KL to the cloud); a point calibration that can repair the arg-max.",
        o => new DistilledMatrixScalingCalibrator { Regularization = o.Regularization, Seed = o.Seed })
    {
        NeedsLabels = false,
        AutoCandidate = true,
        Composable = true,
        Maps = [MapShape.Matrix],
        Objectives = [MapObjective.DistilledKullbackLeibler],
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
        var map = LogLinearFit.Fit(data, MapShape.Matrix, labels: false, Regularization, Seed, cancellationToken);
        return MapCalibration.Fitted(Name, map, CalibratedOutput.Calibrated, data.Rows, null, null, null);
    }
}
