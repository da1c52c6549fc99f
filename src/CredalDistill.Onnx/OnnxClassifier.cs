using CredalDistill.IO;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;

namespace CredalDistill.Onnx;

/// <summary>
/// An image classifier stored as ONNX and run with ONNX Runtime on the CPU. The model takes one
/// float32 input of shape <c>[N, C, H, W]</c> (bundled models: <c>input</c>, <c>[N,1,28,28]</c>, raw
/// pixels in [0, 1]) and returns class scores <c>[N, K]</c> (logits by default) and optionally
/// penultimate features <c>[N, D]</c>. Images are processed in batches of
/// <see cref="OnnxClassifierOptions.BatchSize"/>; buffers are allocated per call and per batch, never per image.
/// Thread-safe for concurrent predictions.
/// </summary>
public sealed class OnnxClassifier : IDisposable
{
    private const string DefaultFeaturesName = "features";

    private readonly InferenceSession session;
    private readonly RunOptions runOptions;
    private readonly long[] imageShape;
    private readonly string inputName;
    private readonly string logitsName;
    private readonly string? featuresName;
    private readonly bool outputIsLogits;
    private readonly int batchSize;
    private bool disposed;

    private OnnxClassifier(string path, InferenceSession session, OnnxClassifierOptions options)
    {
        Path = path;
        this.session = session;
        runOptions = new RunOptions();
        inputName = options.InputName;
        logitsName = options.LogitsOutputName;
        outputIsLogits = options.OutputIsLogits;
        batchSize = options.BatchSize;

        if (!session.InputMetadata.TryGetValue(inputName, out NodeMetadata? input))
        {
            throw new ArgumentException($"ONNX model '{path}' has no input named '{inputName}'; its inputs are: {string.Join(", ", session.InputNames)}.", nameof(options));
        }

        if (input.ElementDataType != TensorElementType.Float || input.Dimensions.Length < 2)
        {
            throw new ArgumentException($"ONNX model '{path}': input '{inputName}' is {input.ElementDataType} [{string.Join(",", input.Dimensions)}]; expected float32 [N, ...].", nameof(options));
        }

        imageShape = input.Dimensions.Skip(1).Select(d => (long)d).ToArray();
        if (imageShape.Any(d => d <= 0))
        {
            throw new ArgumentException($"ONNX model '{path}': input '{inputName}' has shape [{string.Join(",", input.Dimensions)}]; only the batch dimension may be dynamic.", nameof(options));
        }

        ValuesPerImage = checked((int)imageShape.Aggregate(1L, (a, b) => a * b));
        Classes = OutputWidth(path, session, logitsName, nameof(options));

        string? requestedFeatures = options.FeaturesOutputName;
        if (requestedFeatures is not null)
        {
            FeatureDimension = OutputWidth(path, session, requestedFeatures, nameof(options));
            featuresName = requestedFeatures;
        }
        else if (session.OutputMetadata.ContainsKey(DefaultFeaturesName) && DefaultFeaturesName != logitsName)
        {
            FeatureDimension = OutputWidth(path, session, DefaultFeaturesName, nameof(options));
            featuresName = DefaultFeaturesName;
        }
    }

    /// <summary>Path the model was loaded from.</summary>
    public string Path { get; }

    /// <summary>Number of classes K (width of the class-score output).</summary>
    public int Classes { get; }

    /// <summary>Feature dimension D, or null when the model has no feature output.</summary>
    public int? FeatureDimension { get; }

    /// <summary>Float values per image (<c>C * H * W</c>; 784 for the bundled models).</summary>
    public int ValuesPerImage { get; }

    /// <summary>Shape of one image, without the batch dimension (for the bundled models <c>[1, 28, 28]</c>).</summary>
    public IReadOnlyList<long> ImageShape => imageShape;

    /// <summary>Names of all outputs of the model.</summary>
    public IReadOnlyList<string> OutputNames => session.OutputNames;

    /// <summary>Loads an ONNX classifier.</summary>
    /// <param name="path">Path of the <c>.onnx</c> file.</param>
    /// <param name="options">Thread counts, batch size, input/output names; defaults when null.</param>
    /// <returns>The classifier; dispose it to release the native session.</returns>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="DataFormatException">ONNX Runtime cannot load the file (not an ONNX model, corrupt or unsupported).</exception>
    /// <exception cref="ArgumentException">A configured input or output name is not in the model, or a shape is unsupported.</exception>
    public static OnnxClassifier Open(string path, OnnxClassifierOptions? options = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        options ??= new OnnxClassifierOptions();
        ArgumentOutOfRangeException.ThrowIfNegative(options.IntraOpThreads, "options.IntraOpThreads");
        ArgumentOutOfRangeException.ThrowIfNegative(options.InterOpThreads, "options.InterOpThreads");
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(options.BatchSize, "options.BatchSize");
        string full = System.IO.Path.GetFullPath(path);
        if (!File.Exists(full))
        {
            throw new FileNotFoundException($"ONNX model file '{full}' does not exist.", full);
        }

        using var sessionOptions = new SessionOptions
        {
            IntraOpNumThreads = options.IntraOpThreads,
            InterOpNumThreads = options.InterOpThreads,
            ExecutionMode = options.InterOpThreads > 1 ? ExecutionMode.ORT_PARALLEL : ExecutionMode.ORT_SEQUENTIAL,
            GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL,
        };

        InferenceSession session;
        try
        {
            session = new InferenceSession(full, sessionOptions);
        }
        catch (OnnxRuntimeException ex)
        {
            throw new DataFormatException(full, $"ONNX model file could not be loaded by ONNX Runtime: {ex.Message}", innerException: ex);
        }

        try
        {
            return new OnnxClassifier(full, session, options);
        }
        catch
        {
            session.Dispose();
            throw;
        }
    }

    /// <summary>Class probabilities for <paramref name="count"/> images (softmax of the logits, computed stably in double).</summary>
    /// <param name="images">Row-major pixels, <c>count * ValuesPerImage</c> floats.</param>
    /// <param name="count">Number of images N.</param>
    /// <returns>Row-major N x K probabilities; each row sums to 1.</returns>
    public double[] PredictProbabilities(ReadOnlySpan<float> images, int count)
    {
        float[] scores = Run(images, count, withFeatures: false, out _);
        return ToProbabilities(scores, count);
    }

    /// <summary>Raw class-score output (logits for the bundled models) for <paramref name="count"/> images.</summary>
    /// <param name="images">Row-major pixels, <c>count * ValuesPerImage</c> floats.</param>
    /// <param name="count">Number of images N.</param>
    /// <returns>Row-major N x K scores.</returns>
    public float[] PredictLogits(ReadOnlySpan<float> images, int count) => Run(images, count, withFeatures: false, out _);

    /// <summary>Logits, probabilities and penultimate features for <paramref name="count"/> images.</summary>
    /// <param name="images">Row-major pixels, <c>count * ValuesPerImage</c> floats.</param>
    /// <param name="count">Number of images N.</param>
    /// <returns>All three outputs.</returns>
    /// <exception cref="InvalidOperationException">The model has no feature output.</exception>
    public OnnxPrediction PredictWithFeatures(ReadOnlySpan<float> images, int count)
    {
        if (featuresName is null)
        {
            throw new InvalidOperationException($"ONNX model '{Path}' has no feature output; its outputs are: {string.Join(", ", session.OutputNames)}. Set OnnxClassifierOptions.FeaturesOutputName.");
        }

        float[] scores = Run(images, count, withFeatures: true, out float[]? features);
        return new OnnxPrediction(count, Classes, FeatureDimension!.Value, scores, ToProbabilities(scores, count), features!);
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        if (!disposed)
        {
            disposed = true;
            runOptions.Dispose();
            session.Dispose();
        }
    }

    private static int OutputWidth(string path, InferenceSession session, string name, string argument)
    {
        if (!session.OutputMetadata.TryGetValue(name, out NodeMetadata? meta))
        {
            throw new ArgumentException($"ONNX model '{path}' has no output named '{name}'; its outputs are: {string.Join(", ", session.OutputNames)}.", argument);
        }

        if (meta.ElementDataType != TensorElementType.Float || meta.Dimensions.Length != 2 || meta.Dimensions[1] <= 0)
        {
            throw new ArgumentException($"ONNX model '{path}': output '{name}' is {meta.ElementDataType} [{string.Join(",", meta.Dimensions)}]; expected float32 [N, width] with a fixed width.", argument);
        }

        return meta.Dimensions[1];
    }

    private double[] ToProbabilities(float[] scores, int count)
    {
        int k = Classes;
        double[] result = new double[scores.Length];
        for (int i = 0; i < count; i++)
        {
            ReadOnlySpan<float> row = scores.AsSpan(i * k, k);
            Span<double> dst = result.AsSpan(i * k, k);
            if (!outputIsLogits)
            {
                for (int j = 0; j < k; j++)
                {
                    dst[j] = row[j];
                }

                continue;
            }

            double max = double.NegativeInfinity;
            for (int j = 0; j < k; j++)
            {
                if (!float.IsFinite(row[j]))
                {
                    throw new InvalidOperationException($"ONNX model '{Path}': output '{logitsName}' row {i}, class {j} is {row[j]} (not finite).");
                }

                max = Math.Max(max, row[j]);
            }

            double sum = 0.0;
            for (int j = 0; j < k; j++)
            {
                double e = Math.Exp(row[j] - max);
                dst[j] = e;
                sum += e;
            }

            double inv = 1.0 / sum;
            for (int j = 0; j < k; j++)
            {
                dst[j] *= inv;
            }
        }

        return result;
    }

    private float[] Run(ReadOnlySpan<float> images, int count, bool withFeatures, out float[]? features)
    {
        ObjectDisposedException.ThrowIf(disposed, this);
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        long expected = (long)count * ValuesPerImage;
        if (images.Length != expected)
        {
            throw new ArgumentException(
                $"images has {images.Length} floats; expected count x {ValuesPerImage} = {expected} for input '{inputName}' of shape [N,{string.Join(",", imageShape)}] with N = {count}.",
                nameof(images));
        }

        int k = Classes;
        int d = FeatureDimension ?? 0;
        float[] scores = new float[count * k];
        features = withFeatures ? new float[count * d] : null;
        if (count == 0)
        {
            return scores;
        }

        string[] inputNames = [inputName];
        string[] outputNames = withFeatures ? [logitsName, featuresName!] : [logitsName];
        int maxBatch = Math.Min(batchSize, count);
        float[] buffer = new float[maxBatch * ValuesPerImage];
        long[] shape = new long[imageShape.Length + 1];
        imageShape.CopyTo(shape, 1);

        for (int start = 0; start < count; start += maxBatch)
        {
            int n = Math.Min(maxBatch, count - start);
            int values = n * ValuesPerImage;
            images.Slice(start * ValuesPerImage, values).CopyTo(buffer);
            shape[0] = n;
            using OrtValue input = OrtValue.CreateTensorValueFromMemory(OrtMemoryInfo.DefaultInstance, buffer.AsMemory(0, values), shape);
            using IDisposableReadOnlyCollection<OrtValue> outputs = session.Run(runOptions, inputNames, [input], outputNames);
            CopyOutput(outputs.ElementAt(0), logitsName, n, k, scores.AsSpan(start * k, n * k));
            if (features is not null)
            {
                CopyOutput(outputs.ElementAt(1), featuresName!, n, d, features.AsSpan(start * d, n * d));
            }
        }

        return scores;
    }

    private void CopyOutput(OrtValue value, string name, int rows, int width, Span<float> destination)
    {
        long[] shape = value.GetTensorTypeAndShape().Shape;
        if (shape.Length != 2 || shape[0] != rows || shape[1] != width)
        {
            throw new InvalidOperationException($"ONNX model '{Path}': output '{name}' has shape [{string.Join(",", shape)}]; expected [{rows},{width}].");
        }

        value.GetTensorDataAsSpan<float>().CopyTo(destination);
    }
}
