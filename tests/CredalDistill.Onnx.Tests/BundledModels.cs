using System.Collections.Concurrent;
using System.Text.Json;
using CredalDistill.IO;

namespace CredalDistill.Onnx.Tests;

/// <summary>Locates the bundled models and caches test-split predictions so each model runs once per test run.</summary>
public sealed class BundledModels : IDisposable
{
    private readonly ConcurrentDictionary<string, double[]> probabilities = new();
    private readonly ConcurrentDictionary<string, FashionMnistDataset> data = new();

    public BundledModels()
    {
        string root = Path.GetDirectoryName(FashionMnist.FindDataDirectory())!;
        Directory = Path.Combine(root, "models");
        Metrics = JsonDocument.Parse(File.ReadAllBytes(Path.Combine(Directory, "metrics.json")));
    }

    public static TheoryData<string> ModelNames { get; } =
    [
        "fmnist3-cloud", "fmnist3-edge", "fmnist3-edge-q4", "fmnist3-edge-q6", "fmnist3-edge-q8",
        "fmnist10-cloud", "fmnist10-edge", "fmnist10-edge-q4", "fmnist10-edge-q6", "fmnist10-edge-q8",
    ];

    public string Directory { get; }

    public JsonDocument Metrics { get; }

    public string PathOf(string model) => Path.Combine(Directory, model + ".onnx");

    public JsonElement Entry(string model) => Metrics.RootElement.GetProperty("models").GetProperty(model);

    public FashionMnistDataset Data(string model) =>
        data.GetOrAdd(model.Split('-')[0], task => FashionMnist.LoadTest(FashionMnistTask.Parse(task)));

    public double[] Probabilities(string model) => probabilities.GetOrAdd(model, m =>
    {
        FashionMnistDataset d = Data(m);
        using OnnxClassifier c = OnnxClassifier.Open(PathOf(m), new OnnxClassifierOptions { IntraOpThreads = 2 });
        return c.PredictProbabilities(d.Images, d.Count);
    });

    public void Dispose() => Metrics.Dispose();
}
