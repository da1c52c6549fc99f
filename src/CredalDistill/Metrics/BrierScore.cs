namespace CredalDistill.Metrics;

/// <summary>
/// Multi-class Brier score <c>(1/n) sum_i sum_k (p_ik - 1[y_i = k])^2</c>: summed over classes, averaged over samples
/// (not divided by <c>K</c>), so it lies in [0, 2].
/// </summary>
public static class BrierScore
{
    /// <summary>Brier score <c>(1/n) sum_i sum_k (p_ik - 1[y_i = k])^2</c>.</summary>
    /// <param name="probabilities">Predicted distributions, <c>n x K</c>, <c>n &gt;= 1</c>.</param>
    /// <param name="labels">True labels in [0, K), one per row.</param>
    public static double Compute(ProbabilityMatrix probabilities, ReadOnlySpan<int> labels)
    {
        MetricInput.Validate(probabilities, labels);
        return Core(probabilities.Data, probabilities.Classes, labels);
    }

    /// <summary>Row-major overload of <see cref="Compute(ProbabilityMatrix, ReadOnlySpan{int})"/> (each row validated).</summary>
    /// <param name="probabilities">Row-major distributions, length <c>n K</c>.</param>
    /// <param name="classes">Number of classes <c>K &gt;= 2</c>.</param>
    /// <param name="labels">True labels in [0, K), one per row.</param>
    public static double Compute(ReadOnlySpan<double> probabilities, int classes, ReadOnlySpan<int> labels)
    {
        MetricInput.Validate(probabilities, classes, labels);
        return Core(probabilities, classes, labels);
    }

    private static double Core(ReadOnlySpan<double> data, int classes, ReadOnlySpan<int> labels)
    {
        double sum = 0.0;
        for (int i = 0; i < labels.Length; i++)
        {
            for (int k = 0; k < classes; k++)
            {
                double d = data[(i * classes) + k] - (labels[i] == k ? 1.0 : 0.0);
                sum += d * d;
            }
        }

        return sum / labels.Length;
    }
}
