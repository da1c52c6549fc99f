using CredalDistill.Numerics;
using CredalDistill.Validation;

namespace CredalDistill.Baselines;

/// <summary>
/// Shared application of a fitted temperature, <c>p = softmax(z / T)</c>, for <see cref="TemperatureScaling"/> and
/// <see cref="DistilledTemperatureScaling"/> (which differ only in how <c>T</c> is fitted).
/// </summary>
public abstract class TemperatureCalibrator : ITemperatureCalibrator
{
    /// <inheritdoc/>
    public abstract double Temperature { get; }

    /// <inheritdoc/>
    public ProbabilityMatrix Apply(ReadOnlySpan<double> logits, int classes)
    {
        LogitInput.Validate(logits, classes, nameof(logits));
        return ProbabilityMatrix.FromLogits(logits, classes, nameof(logits), Temperature);
    }

    /// <summary>Applies <c>p_ik = softmax(log max(q_i, 1e-12) / T)_k = q_ik^(1/T) / sum_j q_ij^(1/T)</c> to probabilities <c>q</c>.</summary>
    /// <param name="probabilities">Validated probabilities, <c>n x K</c>.</param>
    public ProbabilityMatrix Apply(ProbabilityMatrix probabilities)
    {
        ArgumentNullException.ThrowIfNull(probabilities);
        return ProbabilityMatrix.FromLogits(LogitInput.FromProbabilities(probabilities), probabilities.Classes, nameof(probabilities), Temperature);
    }

    /// <inheritdoc/>
    public void Apply(ReadOnlySpan<double> logits, Span<double> probabilities)
    {
        Check.Classes(logits.Length, nameof(logits));
        Check.SameLength(logits.Length, probabilities.Length, nameof(probabilities));
        Check.Finite(logits, nameof(logits));
        Softmax.Compute(logits, probabilities, Temperature);
    }
}
