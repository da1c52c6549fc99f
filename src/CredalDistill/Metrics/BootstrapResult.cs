namespace CredalDistill.Metrics;

/// <summary>
/// The replicates of a <see cref="CalibrationBootstrap"/> run: for each method (in the order given) and metric, the point
/// estimate on the original rows and the value on each resample; percentile intervals of a metric, and of the paired
/// difference <c>method - baseline</c> taken replicate by replicate on the same resampled rows.
/// </summary>
public sealed class BootstrapResult
{
    private readonly double[] _estimates;
    private readonly double[] _values;
    private readonly double[] _binAccuracy;

    internal BootstrapResult(int methods, int replicates, int bins, double[] estimates, double[] values, double[] binAccuracy)
    {
        Methods = methods;
        Replicates = replicates;
        Bins = bins;
        _estimates = estimates;
        _values = values;
        _binAccuracy = binAccuracy;
    }

    /// <summary>Number of methods.</summary>
    public int Methods { get; }

    /// <summary>Number of replicates <c>B</c>.</summary>
    public int Replicates { get; }

    /// <summary>Number of equal-width confidence bins of <see cref="BinAccuracyInterval"/>.</summary>
    public int Bins { get; }

    /// <summary>The metric on the original rows (the accumulator's value).</summary>
    public double Estimate(int method, CalibrationMetric metric) => _estimates[Index(method, metric)];

    /// <summary>The metric on each resample, in replicate order.</summary>
    public ReadOnlySpan<double> Values(int method, CalibrationMetric metric) => _values.AsSpan(Index(method, metric) * Replicates, Replicates);

    /// <summary>Percentile interval of the metric over the replicates.</summary>
    /// <param name="method">Method index.</param>
    /// <param name="metric">The metric.</param>
    /// <param name="level">Level in (0, 1).</param>
    public BootstrapInterval Interval(int method, CalibrationMetric metric, double level = BootstrapInterval.DefaultLevel) => BootstrapInterval.Percentile(Values(method, metric), level);

    /// <summary>Point estimate of the paired difference <c>metric(method) - metric(baseline)</c> on the original rows.</summary>
    public double Difference(int baseline, int method, CalibrationMetric metric) => Estimate(method, metric) - Estimate(baseline, metric);

    /// <summary>
    /// Percentile interval of the paired difference: for each replicate, <c>metric(method) - metric(baseline)</c> on the same
    /// resampled rows. Identical methods give exactly <c>[0, 0]</c>.
    /// </summary>
    /// <param name="baseline">Index of the method subtracted.</param>
    /// <param name="method">Index of the method compared.</param>
    /// <param name="metric">The metric.</param>
    /// <param name="level">Level in (0, 1).</param>
    public BootstrapInterval DifferenceInterval(int baseline, int method, CalibrationMetric metric, double level = BootstrapInterval.DefaultLevel)
    {
        var a = Values(baseline, metric);
        var b = Values(method, metric);
        var difference = new double[Replicates];
        for (int r = 0; r < difference.Length; r++)
        {
            difference[r] = b[r] - a[r];
        }

        return BootstrapInterval.Percentile(difference, level);
    }

    /// <summary>
    /// Percentile interval of the accuracy of equal-width confidence bin <paramref name="bin"/> (the band of a reliability
    /// diagram), over the replicates in which the bin holds a row; NaN bounds when it never does.
    /// </summary>
    /// <param name="method">Method index.</param>
    /// <param name="bin">Bin index in [0, <see cref="Bins"/>).</param>
    /// <param name="level">Level in (0, 1).</param>
    public BootstrapInterval BinAccuracyInterval(int method, int bin, double level = BootstrapInterval.DefaultLevel)
    {
        CheckMethod(method);
        if ((uint)bin >= (uint)Bins)
        {
            throw new ArgumentOutOfRangeException(nameof(bin), bin, $"bin must be in [0, {Bins}).");
        }

        return BootstrapInterval.Percentile(_binAccuracy.AsSpan(((method * Bins) + bin) * Replicates, Replicates), level);
    }

    private int Index(int method, CalibrationMetric metric)
    {
        CheckMethod(method);
        if ((uint)metric >= CalibrationBootstrap.Metrics)
        {
            throw new ArgumentOutOfRangeException(nameof(metric), metric, "unknown metric.");
        }

        return (method * CalibrationBootstrap.Metrics) + (int)metric;
    }

    private void CheckMethod(int method)
    {
        if ((uint)method >= (uint)Methods)
        {
            throw new ArgumentOutOfRangeException(nameof(method), method, $"method must be in [0, {Methods}).");
        }
    }
}
