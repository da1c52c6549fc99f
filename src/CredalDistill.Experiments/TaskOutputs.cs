using CredalDistill.Experiments.Data;
using CredalDistill.IO;
using CredalDistill.Onnx;

namespace CredalDistill.Experiments;

/// <summary>
/// Everything the experiments need from one task, computed once: labels, and the outputs of the bundled cloud, edge
/// (logits, probabilities, penultimate features, last layer) and quantized edges on the bundled test split, plus the
/// measured per-input latency of edge and cloud. The task (<see cref="IExperimentTask"/>: images or texts) only says how
/// to load its inputs and run a model on them; from here on every task is handled alike.
/// </summary>
public sealed class TaskOutputs
{
    /// <summary>The task.</summary>
    public required IExperimentTask Task { get; init; }

    /// <summary>True labels (task-local indices).</summary>
    public required int[] Labels { get; init; }

    /// <summary>Cloud ensemble probabilities.</summary>
    public required ProbabilityMatrix Cloud { get; init; }

    /// <summary>Cloud logits (log of the ensemble's mean probabilities).</summary>
    public required double[] CloudLogits { get; init; }

    /// <summary>Edge probabilities.</summary>
    public required ProbabilityMatrix Edge { get; init; }

    /// <summary>Edge logits.</summary>
    public required double[] EdgeLogits { get; init; }

    /// <summary>Edge penultimate features, row-major <c>n x D</c>.</summary>
    public required double[] EdgeFeatures { get; init; }

    /// <summary>The edge's last layer (for the Laplace baseline).</summary>
    public required LastLayer LastLayer { get; init; }

    /// <summary>Quantized edges by bit width: logits and probabilities.</summary>
    public required IReadOnlyDictionary<int, (double[] Logits, ProbabilityMatrix Probabilities)> Quantized { get; init; }

    /// <summary>Measured single-input latency of the cloud model (microseconds).</summary>
    public required double CloudMicroseconds { get; init; }

    /// <summary>Measured single-input latency of the edge model (microseconds).</summary>
    public required double EdgeMicroseconds { get; init; }

    /// <summary>Number of samples.</summary>
    public int Count => Labels.Length;

    /// <summary>Number of classes.</summary>
    public int Classes => Task.Classes;

    /// <summary>Runs the bundled models on the bundled test split of <paramref name="task"/>.</summary>
    /// <param name="task">The task (FMNIST-3, FMNIST-10, fortunes topics).</param>
    /// <param name="repositoryRoot">Folder holding <c>data/</c> and <c>models/</c>.</param>
    /// <param name="quantizedBits">Bit widths of the quantized edges to run; those the task has no model for (<see cref="IExperimentTask.QuantizedBits"/>) are skipped.</param>
    /// <param name="report">Progress callback (step name, fraction done).</param>
    /// <param name="cancellationToken">Checked between blocks of 256 inputs.</param>
    public static TaskOutputs Load(IExperimentTask task, string repositoryRoot, IReadOnlyList<int> quantizedBits, Action<string, double>? report = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(task);
        ArgumentNullException.ThrowIfNull(quantizedBits);
        report ??= (_, _) => { };
        var data = task.LoadTest(Path.Combine(repositoryRoot, "data"));
        string models = Path.Combine(repositoryRoot, "models");
        var options = new OnnxClassifierOptions { IntraOpThreads = Environment.ProcessorCount };
        int k = task.Classes;

        report($"{task.Name}: cloud", 0.0);
        double[] cloudLogits;
        double cloudUs;
        using (var cloud = OnnxClassifier.Open(Path.Combine(models, $"{task.Name}-cloud.onnx"), options))
        {
            cloudLogits = ChunkedInference.Widen(data.Run(cloud, withFeatures: false, cancellationToken).Logits);
            cloudUs = data.Latency(cloud);
        }

        report($"{task.Name}: edge", 0.5);
        float[] edgeRawLogits;
        float[] edgeFeatures;
        double edgeUs;
        using (var edge = OnnxClassifier.Open(Path.Combine(models, $"{task.Name}-edge.onnx"), new OnnxClassifierOptions { IntraOpThreads = Environment.ProcessorCount, FeaturesOutputName = "features" }))
        {
            (edgeRawLogits, var features) = data.Run(edge, withFeatures: true, cancellationToken);
            edgeFeatures = features!;
            edgeUs = data.Latency(edge);
        }

        var quantized = new Dictionary<int, (double[], ProbabilityMatrix)>();
        foreach (int bits in quantizedBits.Where(task.QuantizedBits.Contains))
        {
            report($"{task.Name}: {bits}-bit edge", 0.7);
            using var q = OnnxClassifier.Open(Path.Combine(models, $"{task.Name}-edge-q{bits}.onnx"), options);
            var logits = ChunkedInference.Widen(data.Run(q, withFeatures: false, cancellationToken).Logits);
            quantized[bits] = (logits, ProbabilityMatrix.FromLogits(logits, k, $"{task.Name}-edge-q{bits}"));
        }

        report($"{task.Name}: done", 1.0);
        var edgeLogits = ChunkedInference.Widen(edgeRawLogits);
        return new TaskOutputs
        {
            Task = task,
            Labels = data.Labels,
            Cloud = ProbabilityMatrix.FromLogits(cloudLogits, k, $"{task.Name}-cloud"),
            CloudLogits = cloudLogits,
            Edge = ProbabilityMatrix.FromLogits(edgeLogits, k, $"{task.Name}-edge"),
            EdgeLogits = edgeLogits,
            EdgeFeatures = ChunkedInference.Widen(edgeFeatures),
            LastLayer = LastLayer.Load(Path.Combine(models, $"{task.Name}-edge-lastlayer.json")),
            Quantized = quantized,
            CloudMicroseconds = cloudUs,
            EdgeMicroseconds = edgeUs,
        };
    }

    /// <summary>
    /// The same task with another edge model (<paramref name="edgeFile"/> in <c>models/</c>, with its last-layer JSON
    /// <paramref name="lastLayerFile"/>) run on the bundled test split; labels and cloud outputs are reused, there are
    /// no quantized copies and the edge latency is not measured (NaN).
    /// </summary>
    public TaskOutputs WithEdge(string repositoryRoot, string edgeFile, string lastLayerFile, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(edgeFile);
        ArgumentNullException.ThrowIfNull(lastLayerFile);
        var data = Task.LoadTest(Path.Combine(repositoryRoot, "data"));
        string models = Path.Combine(repositoryRoot, "models");
        float[] logits;
        float[] features;
        using (var edge = OnnxClassifier.Open(Path.Combine(models, edgeFile), new OnnxClassifierOptions { IntraOpThreads = Environment.ProcessorCount, FeaturesOutputName = "features" }))
        {
            (logits, var f) = data.Run(edge, withFeatures: true, cancellationToken);
            features = f!;
        }

        var edgeLogits = ChunkedInference.Widen(logits);
        return new TaskOutputs
        {
            Task = Task,
            Labels = Labels,
            Cloud = Cloud,
            CloudLogits = CloudLogits,
            Edge = ProbabilityMatrix.FromLogits(edgeLogits, Classes, edgeFile),
            EdgeLogits = edgeLogits,
            EdgeFeatures = ChunkedInference.Widen(features),
            LastLayer = LastLayer.Load(Path.Combine(models, lastLayerFile)),
            Quantized = new Dictionary<int, (double[], ProbabilityMatrix)>(),
            CloudMicroseconds = CloudMicroseconds,
            EdgeMicroseconds = double.NaN,
        };
    }

    /// <summary>
    /// The bundled cloud and edge run on the test images after <paramref name="shift"/> (same labels and order): the
    /// deployment side of the covariate-shift, deferral and monitoring studies. No quantized copies, no features, no latency.
    /// Image tasks only.
    /// </summary>
    /// <exception cref="NotSupportedException">The task's inputs are not images.</exception>
    public TaskOutputs Shifted(string repositoryRoot, ImageShift shift, ulong seed, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(shift);
        if (Task.LoadTest(Path.Combine(repositoryRoot, "data")) is not FashionMnistDataset data)
        {
            throw new NotSupportedException($"Image shifts apply to image tasks; '{Task.Name}' is a {Task.Modality.ToString().ToLowerInvariant()} task.");
        }

        var images = shift.Apply(data.Images, data.Count, seed);
        string models = Path.Combine(repositoryRoot, "models");
        var options = new OnnxClassifierOptions { IntraOpThreads = Environment.ProcessorCount };
        double[] cloudLogits, edgeLogits;
        using (var cloud = OnnxClassifier.Open(Path.Combine(models, $"{Task.Name}-cloud.onnx"), options))
        {
            cloudLogits = ChunkedInference.Widen(FashionMnistDataset.Run(cloud, images, data.Count, null, cancellationToken));
        }

        using (var edge = OnnxClassifier.Open(Path.Combine(models, $"{Task.Name}-edge.onnx"), options))
        {
            edgeLogits = ChunkedInference.Widen(FashionMnistDataset.Run(edge, images, data.Count, null, cancellationToken));
        }

        return new TaskOutputs
        {
            Task = Task,
            Labels = Labels,
            Cloud = ProbabilityMatrix.FromLogits(cloudLogits, Classes, $"{Task.Name}-cloud ({shift.Name})"),
            CloudLogits = cloudLogits,
            Edge = ProbabilityMatrix.FromLogits(edgeLogits, Classes, $"{Task.Name}-edge ({shift.Name})"),
            EdgeLogits = edgeLogits,
            EdgeFeatures = [],
            LastLayer = LastLayer,
            Quantized = new Dictionary<int, (double[], ProbabilityMatrix)>(),
            CloudMicroseconds = double.NaN,
            EdgeMicroseconds = double.NaN,
        };
    }
}
