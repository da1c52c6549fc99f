namespace CredalDistill.Baselines;

/// <summary>
/// A post-hoc calibrator that rescales logits by one temperature: <c>p = softmax(z / T)</c>. Implemented by
/// <see cref="TemperatureScaling"/> (fitted with labels) and <see cref="DistilledTemperatureScaling"/> (fitted to
/// the cloud model, no labels). Calibrators that need other inputs (features, weights) do not share this shape.
/// </summary>
public interface ITemperatureCalibrator
{
    /// <summary>The temperature <c>T &gt; 0</c> used by <see cref="Apply(ReadOnlySpan{double}, int)"/>.</summary>
    double Temperature { get; }

    /// <summary>Applies <c>p_i = softmax(z_i / T)</c> to every row of row-major logits (<c>n x K</c>).</summary>
    /// <param name="logits">Row-major finite logits, length <c>n K</c>.</param>
    /// <param name="classes">Number of classes <c>K &gt;= 2</c>.</param>
    ProbabilityMatrix Apply(ReadOnlySpan<double> logits, int classes);

    /// <summary>Applies <c>p = softmax(z / T)</c> to one row of logits. Allocation-free.</summary>
    /// <param name="logits">One row of <c>K</c> finite logits.</param>
    /// <param name="probabilities">Receives the <c>K</c> probabilities.</param>
    void Apply(ReadOnlySpan<double> logits, Span<double> probabilities);
}
