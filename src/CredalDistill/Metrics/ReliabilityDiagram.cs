namespace CredalDistill.Metrics;

/// <summary>
/// Reliability diagrams of the top-1 prediction: per bin, the mean top-1 confidence <c>conf_b</c> and the accuracy
/// <c>acc_b</c> of the samples in the bin. Every bin is returned, empty ones marked (<see cref="ReliabilityBin.IsEmpty"/>).
/// </summary>
public static class ReliabilityDiagram
{
    /// <summary>
    /// Equal-width bins (the paper's rule): sample <c>i</c> with top-1 confidence <c>c_i = max_k p_ik</c> goes to bin
    /// <c>clamp(ceil(B c_i) - 1, 0, B - 1)</c>, evaluated in plain double arithmetic like the paper's numpy code.
    /// </summary>
    /// <param name="probabilities">Predicted distributions, <c>n x K</c>, <c>n &gt;= 1</c>.</param>
    /// <param name="labels">True labels in [0, K), one per row.</param>
    /// <param name="bins">Number of bins <c>B &gt;= 1</c> (the paper uses 15).</param>
    public static ReliabilityBin[] Compute(ProbabilityMatrix probabilities, ReadOnlySpan<int> labels, int bins = ExpectedCalibrationError.DefaultBins)
    {
        MetricInput.Validate(probabilities, labels);
        MetricInput.Bins(bins);
        MetricInput.TopOne(probabilities.Data, probabilities.Classes, labels, out var confidence, out var correct);
        return Binning.EqualWidth(confidence, correct, bins);
    }

    /// <summary>Row-major overload of <see cref="Compute(ProbabilityMatrix, ReadOnlySpan{int}, int)"/> (each row validated).</summary>
    /// <param name="probabilities">Row-major distributions, length <c>n K</c>.</param>
    /// <param name="classes">Number of classes <c>K &gt;= 2</c>.</param>
    /// <param name="labels">True labels in [0, K), one per row.</param>
    /// <param name="bins">Number of bins <c>B &gt;= 1</c>.</param>
    public static ReliabilityBin[] Compute(ReadOnlySpan<double> probabilities, int classes, ReadOnlySpan<int> labels, int bins = ExpectedCalibrationError.DefaultBins)
    {
        MetricInput.Validate(probabilities, classes, labels);
        MetricInput.Bins(bins);
        MetricInput.TopOne(probabilities, classes, labels, out var confidence, out var correct);
        return Binning.EqualWidth(confidence, correct, bins);
    }

    /// <summary>
    /// Equal-mass bins: samples sorted by top-1 confidence ascending (ties keep row order) and split like
    /// <c>numpy.array_split</c>: with <c>n = qB + r</c>, the first <c>r</c> bins hold <c>q + 1</c> samples and the others
    /// <c>q</c> (so when <c>n &lt; B</c> the last <c>B - n</c> bins are empty). Equal confidences may straddle two bins.
    /// Bin edges are the smallest and largest confidence in the bin.
    /// </summary>
    /// <param name="probabilities">Predicted distributions, <c>n x K</c>, <c>n &gt;= 1</c>.</param>
    /// <param name="labels">True labels in [0, K), one per row.</param>
    /// <param name="bins">Number of bins <c>B &gt;= 1</c>.</param>
    public static ReliabilityBin[] ComputeEqualMass(ProbabilityMatrix probabilities, ReadOnlySpan<int> labels, int bins = ExpectedCalibrationError.DefaultBins)
    {
        MetricInput.Validate(probabilities, labels);
        MetricInput.Bins(bins);
        MetricInput.TopOne(probabilities.Data, probabilities.Classes, labels, out var confidence, out var correct);
        return Binning.EqualMass(confidence, correct, bins);
    }

    /// <summary>Row-major overload of <see cref="ComputeEqualMass(ProbabilityMatrix, ReadOnlySpan{int}, int)"/> (each row validated).</summary>
    /// <param name="probabilities">Row-major distributions, length <c>n K</c>.</param>
    /// <param name="classes">Number of classes <c>K &gt;= 2</c>.</param>
    /// <param name="labels">True labels in [0, K), one per row.</param>
    /// <param name="bins">Number of bins <c>B &gt;= 1</c>.</param>
    public static ReliabilityBin[] ComputeEqualMass(ReadOnlySpan<double> probabilities, int classes, ReadOnlySpan<int> labels, int bins = ExpectedCalibrationError.DefaultBins)
    {
        MetricInput.Validate(probabilities, classes, labels);
        MetricInput.Bins(bins);
        MetricInput.TopOne(probabilities, classes, labels, out var confidence, out var correct);
        return Binning.EqualMass(confidence, correct, bins);
    }
}
