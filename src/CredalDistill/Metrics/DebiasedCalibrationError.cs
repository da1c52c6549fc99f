namespace CredalDistill.Metrics;

/// <summary>
/// Debiased top-label L2 calibration error (Kumar, Liang and Ma 2019) over <c>B</c> equal-mass bins of the top-1
/// confidence. Rows are sorted by confidence ascending, ties in row order (a stable sort); bin <c>b</c> holds the sorted
/// positions <c>floor(b n / B) .. floor((b + 1) n / B) - 1</c>, so its size is <c>n_b = floor((b + 1) n / B) - floor(b n / B)</c>
/// and equal confidences may straddle two bins. With <c>cbar_b</c> the bin's mean confidence and <c>abar_b</c> its accuracy,
/// <code>
/// E2 = sum_b (n_b / n) [ (abar_b - cbar_b)^2 - abar_b (1 - abar_b) / (n_b - 1) ]    (bins with n_b &gt;= 2)
///    + sum_b (n_b / n) (abar_b - cbar_b)^2                                       (bins with n_b = 1)
/// error = sqrt(max(E2, 0))
/// </code>
/// The subtracted term is the unbiased estimate of the sampling variance of <c>abar_b</c>, which inflates the plug-in
/// squared gap; the result is a FRACTION (an L2 error, not comparable number-for-number with the L1
/// <see cref="ExpectedCalibrationError"/>), and can be exactly 0 when the estimated squared error is negative.
/// </summary>
/// <remarks>
/// Needs every row's confidence and correctness (the sort), so it is not a constant-memory streaming metric:
/// <see cref="MetricAccumulator"/> keeps those per row (see <see cref="RowRetention"/>).
/// </remarks>
public static class DebiasedCalibrationError
{
    /// <summary>The number of equal-mass bins of the definition, 15.</summary>
    public const int DefaultBins = 15;

    /// <summary>Debiased top-label L2 calibration error of <paramref name="probabilities"/> (fraction).</summary>
    /// <param name="probabilities">Predicted distributions, <c>n x K</c>, <c>n &gt;= 1</c>.</param>
    /// <param name="labels">True labels in [0, K), one per row.</param>
    /// <param name="bins">Number of equal-mass bins <c>B &gt;= 1</c>.</param>
    public static double Compute(ProbabilityMatrix probabilities, ReadOnlySpan<int> labels, int bins = DefaultBins)
    {
        MetricInput.Validate(probabilities, labels);
        MetricInput.Bins(bins);
        MetricInput.TopLabel(probabilities.Data, probabilities.Classes, labels, out var confidence, out var correct);
        return FromSorted(TopLabelOrder.Of(confidence, correct), bins);
    }

    /// <summary>Row-major overload of <see cref="Compute(ProbabilityMatrix, ReadOnlySpan{int}, int)"/> (each row validated).</summary>
    /// <param name="probabilities">Row-major distributions, length <c>n K</c>.</param>
    /// <param name="classes">Number of classes <c>K &gt;= 2</c>.</param>
    /// <param name="labels">True labels in [0, K), one per row.</param>
    /// <param name="bins">Number of equal-mass bins <c>B &gt;= 1</c>.</param>
    public static double Compute(ReadOnlySpan<double> probabilities, int classes, ReadOnlySpan<int> labels, int bins = DefaultBins)
    {
        MetricInput.Validate(probabilities, classes, labels);
        MetricInput.Bins(bins);
        MetricInput.TopLabel(probabilities, classes, labels, out var confidence, out var correct);
        return FromSorted(TopLabelOrder.Of(confidence, correct), bins);
    }

    /// <summary>The error from each row's top-1 confidence <c>c_i</c> and correctness <c>a_i</c> (1 when the arg-max is the label).</summary>
    /// <param name="confidences">Top-1 confidences in [0, 1], at least one.</param>
    /// <param name="correct">Whether each row's arg-max is its label, one per confidence.</param>
    /// <param name="bins">Number of equal-mass bins <c>B &gt;= 1</c>.</param>
    public static double FromTopLabel(ReadOnlySpan<double> confidences, ReadOnlySpan<bool> correct, int bins = DefaultBins)
    {
        MetricInput.TopLabel(confidences, correct);
        MetricInput.Bins(bins);
        return FromSorted(TopLabelOrder.Of(confidences, correct), bins);
    }

    internal static double FromSorted(TopLabelOrder sorted, int bins) => TopLabelWalk.Run(sorted, [], sorted.Confidence.Length, bins).EceDebiased;
}
