using CredalDistill.Onnx;

namespace CredalDistill.Experiments.Data;

/// <summary>
/// Fashion-MNIST images for one task, ready for a model: float32 pixels in [0, 1] laid out as
/// <c>Count x 1 x 28 x 28</c> (row-major, NCHW) and task labels in <c>0..K-1</c>.
/// </summary>
public sealed class FashionMnistDataset : ITaskInputs
{
    /// <summary>Image side length in pixels.</summary>
    public const int Side = 28;

    /// <summary>Pixels per image (<c>1 x 28 x 28</c>).</summary>
    public const int PixelsPerImage = Side * Side;

    internal FashionMnistDataset(FashionMnistTask task, float[] images, int[] labels)
    {
        Task = task;
        Images = images;
        Labels = labels;
    }

    /// <summary>The task the labels refer to.</summary>
    public FashionMnistTask Task { get; }

    /// <summary>Number of images.</summary>
    public int Count => Labels.Length;

    /// <summary>Number of classes K.</summary>
    public int Classes => Task.Classes;

    /// <summary>Pixels, <c>Count * 784</c> floats in [0, 1] (byte value / 255).</summary>
    public float[] Images { get; }

    /// <summary>Task labels, one per image, in <c>0..K-1</c>.</summary>
    public int[] Labels { get; }

    /// <summary>The pixels of image <paramref name="index"/>.</summary>
    /// <param name="index">0-based image index.</param>
    /// <returns>784 floats.</returns>
    public ReadOnlySpan<float> Image(int index)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(index, Count);
        return Images.AsSpan(index * PixelsPerImage, PixelsPerImage);
    }

    /// <summary>Number of images of each task label.</summary>
    /// <returns>K counts.</returns>
    public int[] ClassCounts() => TaskInputMeasures.ClassCounts(Labels, Classes);

    /// <inheritdoc/>
    public (float[] Logits, float[]? Features) Run(OnnxClassifier model, bool withFeatures, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(model);
        float[]? features = withFeatures ? new float[Count * (model.FeatureDimension ?? throw new InvalidOperationException($"ONNX model '{model.Path}' has no 'features' output."))] : null;
        return (Run(model, Images, Count, features, cancellationToken), features);
    }

    /// <summary>Logits of <paramref name="count"/> row-major images (and features into <paramref name="features"/> when given), in blocks of <see cref="ChunkedInference.Chunk"/>.</summary>
    /// <param name="model">An image model.</param>
    /// <param name="images">Pixels, <c>count * 784</c> floats (e.g. shifted copies of <see cref="Images"/>).</param>
    /// <param name="count">Number of images.</param>
    /// <param name="features">Receives the penultimate features, or null.</param>
    /// <param name="cancellationToken">Checked between blocks.</param>
    /// <returns>Logits, <c>count x K</c>.</returns>
    public static float[] Run(OnnxClassifier model, float[] images, int count, float[]? features, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(images);
        return ChunkedInference.Logits(model, count, (start, rows) => images.AsSpan(start * PixelsPerImage, rows * PixelsPerImage), features, cancellationToken);
    }

    /// <inheritdoc/>
    public double Latency(OnnxClassifier model)
    {
        ArgumentNullException.ThrowIfNull(model);
        return TaskInputMeasures.MedianLatency(Count, i => model.PredictLogits(Image(i), 1));
    }
}
