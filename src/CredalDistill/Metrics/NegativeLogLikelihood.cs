namespace CredalDistill.Metrics;

/// <summary>
/// Negative log-likelihood <c>NLL = -(1/n) sum_i log p_{i,y_i}</c> in nats, exactly: no floor and no cap. A matrix built
/// from logits keeps its log-probabilities, and they are read instead of the rounded probabilities, so a confidently wrong
/// row with <c>log p_y = -100</c> costs 100 nats (its probability, 3.7e-44, would still be representable, but one with
/// <c>log p_y = -800</c> underflows to 0 and would otherwise cost +infinity). A probability of exactly 0 on the true label
/// gives <c>+infinity</c>, the value of the definition.
/// </summary>
public static class NegativeLogLikelihood
{
    /// <summary>NLL <c>-(1/n) sum_i log p_{i,y_i}</c> (nats), from the kept log-probabilities when there are any.</summary>
    /// <param name="probabilities">Predicted distributions, <c>n x K</c>, <c>n &gt;= 1</c>.</param>
    /// <param name="labels">True labels in [0, K), one per row.</param>
    public static double Compute(ProbabilityMatrix probabilities, ReadOnlySpan<int> labels)
    {
        MetricInput.Validate(probabilities, labels);
        double sum = 0.0;
        for (int i = 0; i < labels.Length; i++)
        {
            sum += Row(probabilities, i, labels[i]);
        }

        return sum / labels.Length;
    }

    /// <summary>Row-major overload of <see cref="Compute(ProbabilityMatrix, ReadOnlySpan{int})"/> (each row validated).</summary>
    /// <param name="probabilities">Row-major distributions, length <c>n K</c>.</param>
    /// <param name="classes">Number of classes <c>K &gt;= 2</c>.</param>
    /// <param name="labels">True labels in [0, K), one per row.</param>
    public static double Compute(ReadOnlySpan<double> probabilities, int classes, ReadOnlySpan<int> labels)
    {
        MetricInput.Validate(probabilities, classes, labels);
        double sum = 0.0;
        for (int i = 0; i < labels.Length; i++)
        {
            sum -= Math.Log(probabilities[(i * classes) + labels[i]]);
        }

        return sum / labels.Length;
    }

    /// <summary><c>-log p_{i,y}</c> of one row: the kept log-probability when the matrix has one.</summary>
    internal static double Row(ProbabilityMatrix probabilities, int i, int label)
        => probabilities.HasLogProbabilities ? -probabilities.LogRow(i)[label] : -Math.Log(probabilities[i][label]);
}
