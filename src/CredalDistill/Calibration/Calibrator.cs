namespace CredalDistill.Calibration;

/// <summary>
/// A calibration method with its settings, not yet fitted. <see cref="Fit"/> learns from a <see cref="CalibrationData"/> set
/// and returns a <see cref="FittedCalibrator"/> that applies to edge outputs (a row or a batch) and saves to an artifact.
/// Implementations: <see cref="CdciCalibrator"/>, <see cref="TemperatureScalingCalibrator"/>,
/// <see cref="DistilledTemperatureCalibrator"/>, <see cref="MapThenCdciCalibrator"/>, <see cref="AutoCalibrator"/>,
/// <see cref="LaplaceCalibrator"/>; by name through the registry, <see cref="CalibrationMethods"/>.
/// </summary>
public abstract class Calibrator
{
    private protected Calibrator()
    {
    }

    /// <summary>The stable method name (<see cref="CalibrationMethods"/>).</summary>
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
    private protected abstract FittedCalibrator FitCore(CalibrationData data, CancellationToken cancellationToken);

    /// <inheritdoc />
    public override string ToString() => Name;
}
