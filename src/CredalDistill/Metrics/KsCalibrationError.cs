namespace CredalDistill.Metrics;

/// <summary>
/// Kolmogorov-Smirnov calibration error of the top-1 prediction (Gupta et al. 2021), binning-free. Rows are sorted by
/// top-1 confidence ascending, ties in row order (a stable sort); with <c>c_(j)</c> the sorted confidences and
/// <c>a_(j)</c> = 1 when that row's arg-max is its label,
/// <code>
/// KS = max_{0 &lt;= i &lt;= n} | (1/n) sum_{j &lt;= i} (c_(j) - a_(j)) |
/// </code>
/// the largest gap between the cumulative confidence and the cumulative accuracy along the confidence axis (the
/// empty prefix <c>i = 0</c> is included, so <c>KS &gt;= 0</c>). A FRACTION in [0, 1]; 0 for perfectly calibrated
/// predictions in the limit. The order of rows with equal confidence changes the partial sums inside a tie, which is
/// why ties are broken by row index.
/// </summary>
/// <remarks>
/// Needs every row's confidence and correctness (the sort), so it is not a constant-memory streaming metric:
/// <see cref="MetricAccumulator"/> keeps those per row (see <see cref="RowRetention"/>).
/// </remarks>
public static class KsCalibrationError
{
    /// <summary>KS calibration error of <paramref name="probabilities"/> (fraction).</summary>
    /// <param name="probabilities">Predicted distributions, <c>n x K</c>, <c>n &gt;= 1</c>.</param>
    /// <param name="labels">True labels in [0, K), one per row.</param>
    public static double Compute(ProbabilityMatrix probabilities, ReadOnlySpan<int> labels)
    {
        MetricInput.Validate(probabilities, labels);
        MetricInput.TopLabel(probabilities.Data, probabilities.Classes, labels, out var confidence, out var correct);
        return FromSorted(TopLabelOrder.Of(confidence, correct));
    }

    /// <summary>Row-major overload of <see cref="Compute(ProbabilityMatrix, ReadOnlySpan{int})"/> (each row validated).</summary>
    /// <param name="probabilities">Row-major distributions, length <c>n K</c>.</param>
    /// <param name="classes">Number of classes <c>K &gt;= 2</c>.</param>
    /// <param name="labels">True labels in [0, K), one per row.</param>
    public static double Compute(ReadOnlySpan<double> probabilities, int classes, ReadOnlySpan<int> labels)
    {
        MetricInput.Validate(probabilities, classes, labels);
        MetricInput.TopLabel(probabilities, classes, labels, out var confidence, out var correct);
        return FromSorted(TopLabelOrder.Of(confidence, correct));
    }

    /// <summary>The error from each row's top-1 confidence <c>c_i</c> and correctness <c>a_i</c> (1 when the arg-max is the label).</summary>
    /// <param name="confidences">Top-1 confidences in [0, 1], at least one.</param>
    /// <param name="correct">Whether each row's arg-max is its label, one per confidence.</param>
    public static double FromTopLabel(ReadOnlySpan<double> confidences, ReadOnlySpan<bool> correct)
    {
        MetricInput.TopLabel(confidences, correct);
        return FromSorted(TopLabelOrder.Of(confidences, correct));
    }

    internal static double FromSorted(TopLabelOrder sorted) => TopLabelWalk.Run(sorted, [], sorted.Confidence.Length, 1).KsError;
}
