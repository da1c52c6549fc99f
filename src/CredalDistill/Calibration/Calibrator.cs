namespace CredalDistill.Calibration;

/// <summary>
/// A calibration method with its settings, not yet fitted. <see cref="Fit"/> learns from a <see cref="CalibrationData"/> set
/// and returns a <see cref="FittedCalibrator"/> that applies to edge outputs (a row or a batch) and saves to an artifact.
/// Implementations: <see cref="CdciCalibrator"/>, <see cref="TemperatureScalingCalibrator"/>,
/// <see cref="DistilledTemperatureCalibrator"/>, <see cref="TwoStageCalibrator"/>, <see cref="AutoCalibrator"/>,
/// <see cref="LaplaceCalibrator"/>.
/// </summary>
public abstract class Calibrator
{
    /// <summary>The stable method name (see <see cref="CalibratorNames"/>; Laplace: <c>laplace-kfac</c>, <c>laplace-diag</c>, <c>laplace-full</c>).</summary>
    public abstract string Name { get; }

    /// <summary>Fits the method on <paramref name="data"/>.</summary>
    /// <param name="data">The calibration set (checked once by its constructor).</param>
    /// <param name="cancellationToken">Interrupts a long fit (the label-free selections).</param>
    /// <exception cref="ArgumentException">The method needs something <paramref name="data"/> lacks (labels, features, rows); the message says what.</exception>
    public FittedCalibrator Fit(CalibrationData data, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(data);
        cancellationToken.ThrowIfCancellationRequested();
        return FitCore(data, cancellationToken);
    }

    /// <summary>The method's fit on checked data.</summary>
    protected abstract FittedCalibrator FitCore(CalibrationData data, CancellationToken cancellationToken);

    /// <inheritdoc />
    public override string ToString() => Name;
}
