using CredalDistill.Metrics;

namespace CredalDistill.Cli.Reporting;

/// <summary>Labelled metrics of one predictive distribution (JSON object of <c>methods</c>).</summary>
public sealed class MethodMetrics
{
    /// <summary>Top-1 accuracy, a fraction.</summary>
    public double Accuracy { get; init; }

    /// <summary>Expected calibration error, a fraction (15 equal-width bins, the paper's rule).</summary>
    public double Ece { get; init; }

    /// <summary>Negative log-likelihood in nats (probabilities floored at 1e-12).</summary>
    public double Nll { get; init; }

    /// <summary>Multi-class Brier score (summed over classes, averaged over rows).</summary>
    public double Brier { get; init; }

    /// <summary>Computes the metrics of <paramref name="probabilities"/> with the <see cref="CredalDistill.Metrics"/> classes.</summary>
    public static MethodMetrics Compute(ProbabilityMatrix probabilities, ReadOnlySpan<int> labels) => new()
    {
        Accuracy = CredalDistill.Metrics.Accuracy.Compute(probabilities, labels),
        Ece = ExpectedCalibrationError.Compute(probabilities, labels),
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
            Nll = sums.Nll,
            Brier = sums.Brier,
        };
    }
}
