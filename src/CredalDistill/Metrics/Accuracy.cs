namespace CredalDistill.Metrics;

/// <summary>
/// Top-1 accuracy <c>(1/n) sum_i 1[argmax_k p_ik = y_i]</c>; the arg-max takes the first index on ties.
/// Returned as a fraction in [0, 1].
/// </summary>
public static class Accuracy
{
    /// <summary>Accuracy <c>(1/n) sum_i 1[argmax_k p_ik = y_i]</c> of a validated matrix (first index on ties).</summary>
    /// <param name="probabilities">Predicted distributions, <c>n x K</c>, <c>n &gt;= 1</c>.</param>
    /// <param name="labels">True labels in [0, K), one per row.</param>
    public static double Compute(ProbabilityMatrix probabilities, ReadOnlySpan<int> labels)
    {
        MetricInput.Validate(probabilities, labels);
        return Core(probabilities.Data, probabilities.Classes, labels);
    }

    /// <summary>Accuracy <c>(1/n) sum_i 1[argmax_k p_ik = y_i]</c> of row-major probabilities (each row validated).</summary>
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
        int correct = 0;
        for (int i = 0; i < labels.Length; i++)
        {
            if (MetricInput.ArgMax(data.Slice(i * classes, classes)) == labels[i])
            {
                correct++;
            }
        }

        return (double)correct / labels.Length;
    }
}
