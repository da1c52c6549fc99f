using CredalDistill.Baselines;
using CredalDistill.Conformal;
using CredalDistill.Credal;
using CredalDistill.Divergences;
using CredalDistill.Validation;

namespace CredalDistill.Calibration;

/// <summary>
/// Distilled temperature, then CD-CI (METHOD.md section 3.4): <c>T</c> is fitted by distilled temperature scaling on the first
/// <c>floor(n/2)</c> calibration rows, and the conformal threshold <c>gamma = s_(k)</c> of the scores
/// <c>s_i = D(p_cloud_i || softmax(z_i / T))</c> on the remaining rows (the split of the experiments' regimes). The tempered edge
/// does not depend on the second half, so <c>P(D(p_cloud || softmax(z / T)) &lt;= gamma) &gt;= 1 - eps</c> holds exactly.
/// The credal set is centred on the tempered edge. No labels are needed.
/// </summary>
public sealed class TwoStageCalibrator : Calibrator
{
    /// <summary>The score divergence. Default KL.</summary>
    public IDivergence Divergence { get; init; } = Divergences.Divergence.KL;

    /// <summary>The miscoverage in (0, 1). Default 0.1.</summary>
    public double Epsilon { get; init; } = 0.1;

    /// <summary>The extracted point distribution. Default intersection probability.</summary>
    public CredalOutput Output { get; init; } = CredalOutput.Intersection;

    /// <summary>Settings of the fitted predictor; null for the defaults.</summary>
    public CredalPredictorOptions? PredictorOptions { get; init; }

    /// <inheritdoc />
    public override string Name => CalibratorNames.TwoStage;

    /// <inheritdoc />
    protected override FittedCalibrator FitCore(CalibrationData data, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(Divergence, nameof(Divergence));
        Check.Epsilon(Epsilon, nameof(Epsilon));
        var (temperature, threshold) = FitParts(data.Cloud, TemperedEdge.Logits(data.Edge), data.Classes, Divergence, Epsilon);
        var selection = ThresholdSelection.FixedChoice(Divergence.Name, Epsilon, CalibratedOutputNames.Name(Output));
        return new TemperedCredalCalibration(Name, data.Classes, CalibratedOutputNames.From(Output), temperature, threshold, selection, null, PredictorOptions);
    }

    /// <summary>The two halves of <c>0..n-1</c>: the first <c>floor(n/2)</c> indices fit <c>T</c>, the rest the threshold.</summary>
    public static (int[] Temperature, int[] Threshold) Halves(int n)
    {
        if (n < 2)
        {
            throw new ArgumentException($"distilled-ts+cdci needs at least 2 calibration rows (one per half); got {n}.", nameof(n));
        }

        int half = n / 2;
        return ([.. Enumerable.Range(0, half)], [.. Enumerable.Range(half, n - half)]);
    }

    /// <summary>Both stages on row-major edge logits: the distilled temperature of the first half and the threshold around the tempered second half.</summary>
    internal static (TemperatureFit Temperature, ConformalThreshold Threshold) FitParts(ProbabilityMatrix cloud, double[] logits, int classes, IDivergence divergence, double epsilon)
    {
        var (first, second) = Halves(cloud.Rows);
        var t = DistilledTemperatureScaling.Fit(cloud.Select(first), TemperedEdge.Rows(logits, classes, first), classes).Temperature;
        var tempered = TemperedEdge.Apply(TemperedEdge.Rows(logits, classes, second), classes, t);
        var threshold = ConformalCalibrator.Calibrate(cloud.Select(second), tempered, epsilon, divergence);
        return (new TemperatureFit(t, TemperatureFit.DistilledKl, first.Length), threshold);
    }
}
