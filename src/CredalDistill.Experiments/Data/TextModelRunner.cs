using CredalDistill.Onnx;

namespace CredalDistill.Experiments.Data;

/// <summary>
/// Runs a text model (<c>models/fortunes-*.onnx</c>: input <c>input</c> float32 <c>[N, D]</c> of feature counts, output
/// <c>logits</c> <c>[N, K]</c>, edges also <c>features</c>) on texts: <see cref="HashedTextFeaturizer"/> fills one
/// <see cref="Chunk"/>-row buffer at a time, so memory stays at <c>Chunk x D</c> floats however many texts there are.
/// </summary>
public static class TextModelRunner
{
    /// <summary>Texts per ONNX Runtime call (and per cancellation check).</summary>
    public const int Chunk = ChunkedInference.Chunk;

    /// <summary>Opens <paramref name="modelPath"/> and runs it on <paramref name="texts"/> with the featuriser of its input width.</summary>
    /// <param name="modelPath">The ONNX file.</param>
    /// <param name="texts">The texts.</param>
    /// <param name="withFeatures">Also return the <c>features</c> output (edges only).</param>
    /// <param name="intraOpThreads">ONNX Runtime threads inside one operator.</param>
    /// <param name="cancellationToken">Checked between chunks.</param>
    /// <returns>Logits (and features).</returns>
    public static TextModelOutput Run(string modelPath, IReadOnlyList<string> texts, bool withFeatures = false, int intraOpThreads = 1, CancellationToken cancellationToken = default)
    {
        using var model = OnnxClassifier.Open(modelPath, new OnnxClassifierOptions
        {
            IntraOpThreads = intraOpThreads,
            BatchSize = Chunk,
            FeaturesOutputName = withFeatures ? "features" : null,
        });
        return Run(model, HashedTextFeaturizer.ForInputWidth(model.ValuesPerImage), texts, withFeatures, cancellationToken);
    }

    /// <summary>Runs an open text model on <paramref name="texts"/>.</summary>
    /// <param name="model">The model; its input width must be <paramref name="featurizer"/>'s dimension.</param>
    /// <param name="featurizer">The model's featuriser.</param>
    /// <param name="texts">The texts.</param>
    /// <param name="withFeatures">Also return the <c>features</c> output.</param>
    /// <param name="cancellationToken">Checked between chunks.</param>
    /// <returns>Logits (and features).</returns>
    public static TextModelOutput Run(OnnxClassifier model, HashedTextFeaturizer featurizer, IReadOnlyList<string> texts, bool withFeatures = false, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(featurizer);
        ArgumentNullException.ThrowIfNull(texts);
        if (model.ValuesPerImage != featurizer.Dimension)
        {
            throw new ArgumentException($"ONNX model '{model.Path}' takes {model.ValuesPerImage} features per text; the featuriser writes {featurizer.Dimension}.", nameof(featurizer));
        }

        int n = texts.Count, d = featurizer.Dimension;
        int fd = withFeatures ? model.FeatureDimension ?? throw new InvalidOperationException($"ONNX model '{model.Path}' has no 'features' output.") : 0;
        float[]? features = withFeatures ? new float[n * fd] : null;
        float[] buffer = new float[Math.Min(Chunk, Math.Max(n, 1)) * d];
        float[] logits = ChunkedInference.Logits(model, n, (start, rows) =>
        {
            var input = buffer.AsSpan(0, rows * d);
            featurizer.Featurize(texts, start, rows, input);
            return input;
        }, features, cancellationToken);
        return new TextModelOutput(n, model.Classes, logits, fd, features);
    }
}
