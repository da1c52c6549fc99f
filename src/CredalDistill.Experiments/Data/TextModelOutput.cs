namespace CredalDistill.Experiments.Data;

/// <summary>Outputs of a text model on <see cref="Count"/> texts (<see cref="TextModelRunner"/>), row-major.</summary>
/// <param name="Count">Number of texts N.</param>
/// <param name="Classes">Number of classes K.</param>
/// <param name="Logits">The model's <c>logits</c>, N x K (for the cloud: the log of its ensemble probabilities).</param>
/// <param name="FeatureDimension">Width of <paramref name="Features"/>, 0 when not requested.</param>
/// <param name="Features">The edges' penultimate <c>features</c>, N x D, or null when not requested.</param>
public sealed record TextModelOutput(int Count, int Classes, float[] Logits, int FeatureDimension, float[]? Features)
{
    /// <summary>The logits widened to double (what <c>ProbabilityMatrix.FromLogits</c> takes).</summary>
    /// <returns>N x K doubles.</returns>
    public double[] LogitsAsDouble() => ChunkedInference.Widen(Logits);

    /// <summary>The features widened to double (for <c>LastLayer</c>-based baselines).</summary>
    /// <returns>N x D doubles, or an empty array when features were not requested.</returns>
    public double[] FeaturesAsDouble() => Features is null ? [] : ChunkedInference.Widen(Features);
}
