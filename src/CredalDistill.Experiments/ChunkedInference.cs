using CredalDistill.Onnx;

namespace CredalDistill.Experiments;

/// <summary>
/// Runs an ONNX classifier over many inputs in blocks of <see cref="Chunk"/> rows (checking cancellation between blocks),
/// whether the rows are stored (images) or computed block by block (text features), and widens outputs to double.
/// </summary>
internal static class ChunkedInference
{
    /// <summary>
    /// Rows per block: the default ONNX batch size (256), so the batches the model sees, and therefore its outputs, are the
    /// same as in one whole-dataset call.
    /// </summary>
    internal const int Chunk = 256;

    /// <summary>The model input of rows <c>start .. start + rows - 1</c>, row-major.</summary>
    internal delegate ReadOnlySpan<float> InputBlock(int start, int rows);

    /// <summary>Logits of <paramref name="count"/> rows (and penultimate features into <paramref name="features"/> when given).</summary>
    internal static float[] Logits(OnnxClassifier model, int count, InputBlock block, float[]? features, CancellationToken cancellationToken)
    {
        int k = model.Classes;
        var logits = new float[count * k];
        for (int start = 0; start < count; start += Chunk)
        {
            cancellationToken.ThrowIfCancellationRequested();
            int n = Math.Min(Chunk, count - start);
            var input = block(start, n);
            if (features is null)
            {
                model.PredictLogits(input, n).CopyTo(logits.AsSpan(start * k));
            }
            else
            {
                var run = model.PredictWithFeatures(input, n);
                run.Logits.CopyTo(logits.AsSpan(start * k));
                run.Features.CopyTo(features.AsSpan(start * run.FeatureDimension));
            }
        }

        cancellationToken.ThrowIfCancellationRequested();
        return logits;
    }

    /// <summary><paramref name="values"/> as doubles.</summary>
    internal static double[] Widen(float[] values)
    {
        var result = new double[values.Length];
        for (int i = 0; i < values.Length; i++)
        {
            result[i] = values[i];
        }

        return result;
    }
}
