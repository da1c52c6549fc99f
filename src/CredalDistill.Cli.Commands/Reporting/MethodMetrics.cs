using System.Text.Json.Serialization;
using CredalDistill.Metrics;

namespace CredalDistill.Cli.Reporting;

/// <summary>Labelled metrics of one predictive distribution (JSON object of <c>methods</c>).</summary>
public sealed class MethodMetrics
{
    /// <summary>Top-1 accuracy, a fraction.</summary>
    public double Accuracy { get; init; }

    /// <summary>Expected calibration error, a fraction (15 equal-width bins, the paper's rule).</summary>
    public double Ece { get; init; }

    /// <summary>Debiased top-label L2 calibration error, a fraction (15 equal-mass bins; docs/METRICS.md).</summary>
    public double EceDebiased { get; init; }

    /// <summary>KS calibration error of the top-1 prediction, a fraction (no bins; docs/METRICS.md).</summary>
    public double KsError { get; init; }

    /// <summary>Negative log-likelihood in nats, exact (no floor; +inf, written as <c>"Infinity"</c>, when a true label has probability 0).</summary>
    public double Nll { get; init; }

    /// <summary>Multi-class Brier score (summed over classes, averaged over rows).</summary>
    public double Brier { get; init; }

    /// <summary>
    /// With <c>--bootstrap</c>: metric name (<c>accuracy</c>, <c>ece</c>, <c>eceDebiased</c>, <c>ksError</c>, <c>nll</c>,
    /// <c>brier</c>) to its 95% percentile interval <c>[lo, hi]</c> over the resamples; absent otherwise.
    /// </summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public IReadOnlyDictionary<string, double[]>? Intervals { get; init; }

    /// <summary>A copy with <see cref="Intervals"/> set.</summary>
    public MethodMetrics WithIntervals(IReadOnlyDictionary<string, double[]> intervals) => new()
    {
        Accuracy = Accuracy,
        Ece = Ece,
        EceDebiased = EceDebiased,
        KsError = KsError,
        Nll = Nll,
        Brier = Brier,
        Intervals = intervals,
    };

    /// <summary>The JSON name of a bootstrapped metric (the property names above, camelCase).</summary>
    public static string Name(CalibrationMetric metric) => metric switch
    {
        CalibrationMetric.Accuracy => "accuracy",
        CalibrationMetric.Ece => "ece",
        CalibrationMetric.EceDebiased => "eceDebiased",
        CalibrationMetric.KsError => "ksError",
        CalibrationMetric.Nll => "nll",
        CalibrationMetric.Brier => "brier",
        _ => throw new ArgumentOutOfRangeException(nameof(metric), metric, "Unknown metric."),
    };

    /// <summary>Computes the metrics of <paramref name="probabilities"/> with the <see cref="CredalDistill.Metrics"/> classes.</summary>
    public static MethodMetrics Compute(ProbabilityMatrix probabilities, ReadOnlySpan<int> labels) => new()
    {
        Accuracy = CredalDistill.Metrics.Accuracy.Compute(probabilities, labels),
        Ece = ExpectedCalibrationError.Compute(probabilities, labels),
        EceDebiased = DebiasedCalibrationError.Compute(probabilities, labels),
        KsError = KsCalibrationError.Compute(probabilities, labels),
        Nll = NegativeLogLikelihood.Compute(probabilities, labels),
        Brier = BrierScore.Compute(probabilities, labels),
    };

    /// <summary>The metrics of rows accumulated chunk by chunk (equal to <see cref="Compute"/> on all of them at once).</summary>
    public static MethodMetrics From(MetricAccumulator sums)
    {
        ArgumentNullException.ThrowIfNull(sums);
        return new()
        {
            Accuracy = sums.Accuracy,
            Ece = sums.Ece,
            EceDebiased = sums.EceDebiased,
            KsError = sums.KsError,
            Nll = sums.Nll,
            Brier = sums.Brier,
        };
    }
}
