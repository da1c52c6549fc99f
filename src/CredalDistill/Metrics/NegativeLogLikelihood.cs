namespace CredalDistill.Metrics;

/// <summary>
/// Negative log-likelihood <c>NLL = -(1/n) sum_i log max(p_{i,y_i}, floor)</c> in nats, with
/// <see cref="ProbabilityFloor"/> = 1e-12: a zero probability on the true label costs <c>-log(1e-12) ~ 27.63</c>
/// nats instead of +infinity, so one such row cannot make the mean infinite (but still dominates it visibly).
/// </summary>
public static class NegativeLogLikelihood
{
    /// <summary>Lower clamp applied to <c>p_{i,y_i}</c> before the logarithm.</summary>
    public const double ProbabilityFloor = 1e-12;

    /// <summary>NLL <c>-(1/n) sum_i log max(p_{i,y_i}, 1e-12)</c> (nats).</summary>
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
            sum -= Math.Log(Math.Max(data[(i * classes) + labels[i]], ProbabilityFloor));
        }

        return sum / labels.Length;
    }
}
