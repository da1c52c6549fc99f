namespace CredalDistill.Metrics;

/// <summary>
/// Maximum calibration error <c>MCE = max_{b : n_b &gt; 0} |acc_b - conf_b|</c> over the non-empty equal-width bins of
/// the top-1 reliability diagram (same binning as <see cref="ExpectedCalibrationError"/>). A fraction in [0, 1];
/// always <c>&gt;= ECE</c>.
/// </summary>
public static class MaximumCalibrationError
{
    /// <summary>MCE <c>max_{b : n_b &gt; 0} |acc_b - conf_b|</c> with the paper's equal-width bins.</summary>
    /// <param name="probabilities">Predicted distributions, <c>n x K</c>, <c>n &gt;= 1</c>.</param>
    /// <param name="labels">True labels in [0, K), one per row.</param>
    /// <param name="bins">Number of bins <c>B &gt;= 1</c>.</param>
    public static double Compute(ProbabilityMatrix probabilities, ReadOnlySpan<int> labels, int bins = ExpectedCalibrationError.DefaultBins)
        => Binning.MaxGap(ReliabilityDiagram.Compute(probabilities, labels, bins));

    /// <summary>Row-major overload of <see cref="Compute(ProbabilityMatrix, ReadOnlySpan{int}, int)"/> (each row validated).</summary>
    /// <param name="probabilities">Row-major distributions, length <c>n K</c>.</param>
    /// <param name="classes">Number of classes <c>K &gt;= 2</c>.</param>
    /// <param name="labels">True labels in [0, K), one per row.</param>
    /// <param name="bins">Number of bins <c>B &gt;= 1</c>.</param>
    public static double Compute(ReadOnlySpan<double> probabilities, int classes, ReadOnlySpan<int> labels, int bins = ExpectedCalibrationError.DefaultBins)
        => Binning.MaxGap(ReliabilityDiagram.Compute(probabilities, classes, labels, bins));
}
