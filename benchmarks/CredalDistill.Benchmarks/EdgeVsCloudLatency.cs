using BenchmarkDotNet.Attributes;
using CredalDistill.Experiments.Data;
using CredalDistill.IO;
using CredalDistill.Onnx;

namespace CredalDistill.Benchmarks;

/// <summary>
/// Edge vs cloud inference latency with ONNX Runtime on one CPU thread (intra-op = inter-op = 1),
/// for one image per call and for 256 images per call. Per-image latency = Mean / Batch.
/// Run: <c>dotnet run -c Release --project benchmarks/CredalDistill.Benchmarks -- --filter '*EdgeVsCloud*' --job short</c>.
/// </summary>
[MemoryDiagnoser]
public class EdgeVsCloudLatency
{
    private OnnxClassifier? edge;
    private OnnxClassifier? cloud;
    private float[] images = [];

    /// <summary>Task whose models are timed.</summary>
    [Params("fmnist3", "fmnist10")]
    public string Task { get; set; } = "fmnist3";

    /// <summary>Images per call.</summary>
    [Params(1, 256)]
    public int Batch { get; set; } = 1;

    /// <summary>Loads both models and the first <see cref="Batch"/> test images.</summary>
    [GlobalSetup]
    public void Setup()
    {
        string data = FashionMnist.FindDataDirectory();
        string models = Path.Combine(Path.GetDirectoryName(data)!, "models");
        var options = new OnnxClassifierOptions { IntraOpThreads = 1, InterOpThreads = 1, BatchSize = Batch };
        edge = OnnxClassifier.Open(Path.Combine(models, $"{Task}-edge.onnx"), options);
        cloud = OnnxClassifier.Open(Path.Combine(models, $"{Task}-cloud.onnx"), options);
        FashionMnistDataset d = FashionMnist.LoadTest(FashionMnistTask.Parse(Task), data);
        images = d.Images.AsSpan(0, Batch * FashionMnistDataset.PixelsPerImage).ToArray();
    }

    /// <summary>Releases the sessions.</summary>
    [GlobalCleanup]
    public void Cleanup()
    {
        edge?.Dispose();
        cloud?.Dispose();
    }

    /// <summary>Edge model: probabilities for <see cref="Batch"/> images.</summary>
    [Benchmark(Baseline = true)]
    public double[] Edge() => edge!.PredictProbabilities(images, Batch);

    /// <summary>Cloud ensemble: probabilities for <see cref="Batch"/> images.</summary>
    [Benchmark]
    public double[] Cloud() => cloud!.PredictProbabilities(images, Batch);
}
