using CredalDistill.Calibration;
using BenchmarkDotNet.Attributes;
using CredalDistill.Experiments.Data;
using CredalDistill.IO;
using CredalDistill.Onnx.Export;
using Google.Protobuf;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;

namespace CredalDistill.Benchmarks;

/// <summary>
/// Cost of the calibration appended by <c>credal export</c>: the bundled edge alone (logits) against the exported edge
/// (all outputs: probabilities, lower, upper, label_set; KL, gamma = 0.5 nats, intersection or max-entropy), ONNX
/// Runtime on one CPU thread, one image or 256 images per call. Per-image latency = Mean / Batch.
/// Run: <c>dotnet run -c Release --project benchmarks/CredalDistill.Benchmarks -- --filter '*ExportedEdge*' --job short</c>.
/// </summary>
[MemoryDiagnoser]
public class ExportedEdgeLatency
{
    private InferenceSession? edge;
    private InferenceSession? intersection;
    private InferenceSession? maxEntropy;
    private NamedOnnxValue[] input = [];

    /// <summary>Task whose edge is timed.</summary>
    [Params("fmnist3", "fmnist10")]
    public string Task { get; set; } = "fmnist3";

    /// <summary>Images per call.</summary>
    [Params(1, 256)]
    public int Batch { get; set; } = 1;

    /// <summary>Exports the edge twice in memory and loads the first <see cref="Batch"/> test images.</summary>
    [GlobalSetup]
    public void Setup()
    {
        string data = FashionMnist.FindDataDirectory();
        string path = Path.Combine(Path.GetDirectoryName(data)!, "models", $"{Task}-edge.onnx");
        var task = FashionMnistTask.Parse(Task);
        var artifact = new CalibrationArtifact
        {
            Method = "cdci",
            Output = CalibratedOutput.Intersection,
            Classes = task.Classes,
            N = 1000,
            Map = CalibrationMap.Identity(task.Classes),
            Threshold = new ArtifactThreshold { Divergence = Divergences.Divergence.KL, Epsilon = 0.1, Gamma = 0.5, Scores = new ArtifactScoreSummary(0, 0.1, 2) },
        };
        edge = Open(File.ReadAllBytes(path));
        intersection = Open(Exported(path, artifact, CalibratedOutput.Intersection));
        maxEntropy = Open(Exported(path, artifact, CalibratedOutput.MaximumEntropy));
        FashionMnistDataset d = FashionMnist.LoadTest(task, data);
        var images = d.Images.AsSpan(0, Batch * FashionMnistDataset.PixelsPerImage).ToArray();
        input = [NamedOnnxValue.CreateFromTensor("input", new DenseTensor<float>(images, [Batch, 1, 28, 28]))];
    }

    /// <summary>Releases the sessions.</summary>
    [GlobalCleanup]
    public void Cleanup()
    {
        edge?.Dispose();
        intersection?.Dispose();
        maxEntropy?.Dispose();
    }

    /// <summary>The edge alone: its logits.</summary>
    [Benchmark(Baseline = true)]
    public int Edge() => Run(edge!, ["logits"]);

    /// <summary>The exported edge, intersection probability: every added output.</summary>
    [Benchmark]
    public int ExportedIntersection() => Run(intersection!, ["probabilities", "lower", "upper", "label_set"]);

    /// <summary>The exported edge, KL max-entropy member: every added output.</summary>
    [Benchmark]
    public int ExportedMaxEntropy() => Run(maxEntropy!, ["probabilities", "lower", "upper", "label_set"]);

    private static byte[] Exported(string path, CalibrationArtifact artifact, CalibratedOutput output)
    {
        var model = CalibratedModelExporter.Read(path);
        CalibratedModelExporter.Append(model, artifact, new CalibratedExportOptions { Output = output });
        return model.ToByteArray();
    }

    private static InferenceSession Open(byte[] model)
    {
        using var options = new SessionOptions { IntraOpNumThreads = 1, InterOpNumThreads = 1 };
        return new InferenceSession(model, options);
    }

    private int Run(InferenceSession session, string[] outputs)
    {
        using var results = session.Run(input, outputs);
        return results.Count;
    }
}
