namespace CredalDistill.Metrics;

/// <summary>
/// Classwise ECE: for every class <c>k</c>, the probabilities <c>p_ik</c> of ALL samples are binned with the paper's
/// equal-width rule <c>clamp(ceil(B p_ik) - 1, 0, B - 1)</c> and compared with the indicator <c>1[y_i = k]</c>:
/// <c>ECE_k = sum_b (n_kb / n) |freq_kb - conf_kb|</c>; the result is the average <c>(1/K) sum_k ECE_k</c>.
/// A fraction in [0, 1].
/// </summary>
public static class ClasswiseCalibrationError
{
    /// <summary>Classwise ECE <c>(1/K) sum_k sum_b (n_kb / n) |freq_kb - conf_kb|</c>.</summary>
    /// <param name="probabilities">Predicted distributions, <c>n x K</c>, <c>n &gt;= 1</c>.</param>
    /// <param name="labels">True labels in [0, K), one per row.</param>
    /// <param name="bins">Number of bins <c>B &gt;= 1</c>.</param>
    public static double Compute(ProbabilityMatrix probabilities, ReadOnlySpan<int> labels, int bins = ExpectedCalibrationError.DefaultBins)
    {
        MetricInput.Validate(probabilities, labels);
        MetricInput.Bins(bins);
        return Core(probabilities.Data, probabilities.Classes, labels, bins);
    }

    /// <summary>Row-major overload of <see cref="Compute(ProbabilityMatrix, ReadOnlySpan{int}, int)"/> (each row validated).</summary>
    /// <param name="probabilities">Row-major distributions, length <c>n K</c>.</param>
    /// <param name="classes">Number of classes <c>K &gt;= 2</c>.</param>
    /// <param name="labels">True labels in [0, K), one per row.</param>
    /// <param name="bins">Number of bins <c>B &gt;= 1</c>.</param>
    public static double Compute(ReadOnlySpan<double> probabilities, int classes, ReadOnlySpan<int> labels, int bins = ExpectedCalibrationError.DefaultBins)
    {
        MetricInput.Validate(probabilities, classes, labels);
        MetricInput.Bins(bins);
        return Core(probabilities, classes, labels, bins);
    }

    private static double Core(ReadOnlySpan<double> data, int classes, ReadOnlySpan<int> labels, int bins)
    {
        int n = labels.Length;
        var values = new double[n];
        var outcomes = new double[n];
        double total = 0.0;
        for (int k = 0; k < classes; k++)
        {
            for (int i = 0; i < n; i++)
            {
                values[i] = data[(i * classes) + k];
                outcomes[i] = labels[i] == k ? 1.0 : 0.0;
            }

            total += Binning.WeightedGap(Binning.EqualWidth(values, outcomes, bins));
        }

        return total / classes;
    }
}
