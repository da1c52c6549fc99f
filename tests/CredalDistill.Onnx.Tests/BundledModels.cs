using System.Collections.Concurrent;
using System.Text.Json;
using CredalDistill.Experiments.Data;
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

    /// <summary>
    /// Every Fashion-MNIST model in <c>models/metrics.json</c> (the original ten and the overconfidence-axis edges). The
    /// text models (task <c>fortunes</c>) take text features, not images: <c>tests/CredalDistill.Experiments.Tests</c>
    /// (<c>TextModelTests</c>) checks them.
    /// </summary>
    public static TheoryData<string> ModelNames { get; } = new(ReadMetrics(root => root.GetProperty("models").EnumerateObject()
        .Where(p => IsImageTask(p.Value.GetProperty("task").GetString())).Select(p => p.Name)));

    /// <summary>The Fashion-MNIST edges of <c>metrics.json</c> → <c>overconfidence_edges</c> (issue 11).</summary>
    public static string[] OverconfidenceEdges { get; } =
        ReadMetrics(root => root.GetProperty("overconfidence_edges").EnumerateArray()
            .Where(e => IsImageTask(e.GetProperty("task").GetString())).Select(e => e.GetProperty("name").GetString()!));

    /// <summary><see cref="OverconfidenceEdges"/> as theory data.</summary>
    public static TheoryData<string> OverconfidenceEdgeNames { get; } = new(OverconfidenceEdges);

    /// <summary>Every edge that has a last-layer file: the two original edges and the overconfidence-axis edges.</summary>
    public static TheoryData<string> EdgesWithLastLayer { get; } = new(["fmnist3-edge", "fmnist10-edge", .. OverconfidenceEdges]);

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

    private static bool IsImageTask(string? task) => task is "fmnist3" or "fmnist10";

    private static string[] ReadMetrics(Func<JsonElement, IEnumerable<string>> select)
    {
        string root = Path.GetDirectoryName(FashionMnist.FindDataDirectory())!;
        using JsonDocument doc = JsonDocument.Parse(File.ReadAllBytes(Path.Combine(root, "models", "metrics.json")));
        return select(doc.RootElement).ToArray();
    }
}
