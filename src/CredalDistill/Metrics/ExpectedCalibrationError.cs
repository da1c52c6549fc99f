namespace CredalDistill.Metrics;

/// <summary>
/// Expected calibration error of the top-1 prediction, <c>ECE = sum_b (n_b / n) |acc_b - conf_b|</c> over the bins
/// of a <see cref="ReliabilityDiagram"/>. Returned as a FRACTION in [0, 1]; reports in percent (as the paper)
/// multiply by 100.
/// </summary>
public static class ExpectedCalibrationError
{
    /// <summary>The paper's number of equal-width bins, 15.</summary>
    public const int DefaultBins = 15;

    /// <summary>
    /// ECE with the paper's equal-width bins: bin of sample <c>i</c> is <c>clamp(ceil(B c_i) - 1, 0, B - 1)</c>,
    /// <c>c_i = max_k p_ik</c>; <c>ECE = sum_b (n_b / n) |acc_b - conf_b|</c> (fraction).
    /// </summary>
    /// <param name="probabilities">Predicted distributions, <c>n x K</c>, <c>n &gt;= 1</c>.</param>
    /// <param name="labels">True labels in [0, K), one per row.</param>
    /// <param name="bins">Number of bins <c>B &gt;= 1</c>.</param>
    public static double Compute(ProbabilityMatrix probabilities, ReadOnlySpan<int> labels, int bins = DefaultBins)
        => Binning.WeightedGap(ReliabilityDiagram.Compute(probabilities, labels, bins));

    /// <summary>Row-major overload of <see cref="Compute(ProbabilityMatrix, ReadOnlySpan{int}, int)"/> (each row validated).</summary>
    /// <param name="probabilities">Row-major distributions, length <c>n K</c>.</param>
    /// <param name="classes">Number of classes <c>K &gt;= 2</c>.</param>
    /// <param name="labels">True labels in [0, K), one per row.</param>
    /// <param name="bins">Number of bins <c>B &gt;= 1</c>.</param>
    public static double Compute(ReadOnlySpan<double> probabilities, int classes, ReadOnlySpan<int> labels, int bins = DefaultBins)
        => Binning.WeightedGap(ReliabilityDiagram.Compute(probabilities, classes, labels, bins));

    /// <summary>
    /// ECE with equal-mass bins (see <see cref="ReliabilityDiagram.ComputeEqualMass(ProbabilityMatrix, ReadOnlySpan{int}, int)"/>
    /// for the split rule): <c>sum_b (n_b / n) |acc_b - conf_b|</c> (fraction).
    /// </summary>
    /// <param name="probabilities">Predicted distributions, <c>n x K</c>, <c>n &gt;= 1</c>.</param>
    /// <param name="labels">True labels in [0, K), one per row.</param>
    /// <param name="bins">Number of bins <c>B &gt;= 1</c>.</param>
    public static double ComputeEqualMass(ProbabilityMatrix probabilities, ReadOnlySpan<int> labels, int bins = DefaultBins)
        => Binning.WeightedGap(ReliabilityDiagram.ComputeEqualMass(probabilities, labels, bins));

    /// <summary>Row-major overload of <see cref="ComputeEqualMass(ProbabilityMatrix, ReadOnlySpan{int}, int)"/> (each row validated).</summary>
    /// <param name="probabilities">Row-major distributions, length <c>n K</c>.</param>
    /// <param name="classes">Number of classes <c>K &gt;= 2</c>.</param>
    /// <param name="labels">True labels in [0, K), one per row.</param>
    /// <param name="bins">Number of bins <c>B &gt;= 1</c>.</param>
    public static double ComputeEqualMass(ReadOnlySpan<double> probabilities, int classes, ReadOnlySpan<int> labels, int bins = DefaultBins)
        => Binning.WeightedGap(ReliabilityDiagram.ComputeEqualMass(probabilities, classes, labels, bins));

    /// <summary><c>sum_b (n_b / n) |acc_b - conf_b|</c> of given bins, <c>n = sum_b n_b</c> (0 when all bins are empty).</summary>
    /// <param name="bins">Reliability bins, e.g. from <see cref="ReliabilityDiagram"/>.</param>
    public static double FromBins(ReadOnlySpan<ReliabilityBin> bins) => Binning.WeightedGap(bins);
}
