using System.Globalization;
using System.Text.Json;
using CredalDistill.Experiments.Data;
using CredalDistill.Metrics;
using CredalDistill.Onnx;

namespace CredalDistill.Experiments.Tests;

/// <summary>
/// Issue 24: the text models of <c>models/metrics.json</c> (task <c>fortunes</c>), run through ONNX Runtime on the C#
/// featuriser's output for the bundled test split, give the test accuracy that <c>train.py</c> recorded (to the printed
/// digits) and its ECE and mean confidence (to 1e-3 points); this ties the C# features to the models.
/// </summary>
public sealed class TextModelTests
{
    private static readonly string Root = Path.GetDirectoryName(FortunesTopics.FindDataDirectory())!;

    public static TheoryData<string> TextModels { get; } = new(ReadMetrics(m => m.GetProperty("models").EnumerateObject()
        .Where(p => p.Value.GetProperty("task").GetString() == FortunesTopics.TaskName).Select(p => p.Name)));

    [Theory]
    [MemberData(nameof(TextModels))]
    public void Recorded_test_accuracy_is_reproduced_from_the_csharp_features(string model)
    {
        JsonElement entry = Entry(model);
        FortunesTopicsDataset data = FortunesTopics.LoadTest();
        string path = Path.Combine(Root, "models", entry.GetProperty("file").GetString()!);
        TextModelOutput output = TextModelRunner.Run(path, data.Texts, withFeatures: entry.GetProperty("kind").GetString() == "edge");
        Assert.Equal(entry.GetProperty("classes").GetInt32(), output.Classes);
        Assert.Equal(entry.GetProperty("input_dimension").GetInt32(), HashedTextFeaturizer.ForInputWidth(entry.GetProperty("input_dimension").GetInt32()).Dimension);

        var p = ProbabilityMatrix.FromLogits(output.LogitsAsDouble(), output.Classes);
        int correct = Enumerable.Range(0, data.Count).Count(i => p.ArgMax(i) == data.Labels[i]);
        JsonElement test = entry.GetProperty("test");
        double accuracy = Math.Round(100.0 * correct / data.Count, 4);
        Assert.Equal(test.GetProperty("accuracy_percent").GetDouble(), accuracy);

        ReliabilityBin[] bins = ReliabilityDiagram.Compute(p, data.Labels);
        double ece = 100.0 * ExpectedCalibrationError.FromBins(bins);
        double confidence = 100.0 * bins.Sum(b => b.Count * b.MeanConfidence) / data.Count;
        Assert.True(Math.Abs(ece - test.GetProperty("ece_percent").GetDouble()) <= 1e-3, string.Create(CultureInfo.InvariantCulture, $"{model}: ECE {ece}% in C#, {test.GetProperty("ece_percent").GetDouble()}% in metrics.json"));
        Assert.True(Math.Abs(confidence - test.GetProperty("mean_confidence_percent").GetDouble()) <= 1e-3, string.Create(CultureInfo.InvariantCulture, $"{model}: mean confidence {confidence}% in C#, {test.GetProperty("mean_confidence_percent").GetDouble()}% in metrics.json"));

        if (output.Features is not null)
        {
            // The edges' last-layer file reproduces their logits from their features (last-layer Laplace input).
            LastLayer last = LastLayer.Load(Path.Combine(Root, "models", entry.GetProperty("lastlayer").GetString()!));
            Assert.Equal((output.Classes, output.FeatureDimension), (last.Classes, last.Features));
            double[] features = output.FeaturesAsDouble();
            for (int i = 0; i < data.Count; i += 37)
            {
                for (int k = 0; k < last.Classes; k++)
                {
                    double z = last.Bias[k];
                    for (int j = 0; j < last.Features; j++)
                    {
                        z += last.Weight[(k * last.Features) + j] * features[(i * last.Features) + j];
                    }

                    Assert.True(Math.Abs(z - output.Logits[(i * output.Classes) + k]) <= 1e-4, $"{model}: row {i} class {k}: {z} from the last layer, {output.Logits[(i * output.Classes) + k]} from ONNX");
                }
            }
        }
    }

    [Fact]
    public void The_cloud_is_clearly_better_and_the_axis_spans_a_wide_range_of_ece()
    {
        JsonElement cloud = Entry($"{FortunesTopics.TaskName}-cloud").GetProperty("test");
        JsonElement edge = Entry($"{FortunesTopics.TaskName}-edge").GetProperty("test");
        Assert.True(cloud.GetProperty("accuracy_percent").GetDouble() >= edge.GetProperty("accuracy_percent").GetDouble() + 5.0);
        Assert.True(cloud.GetProperty("ece_percent").GetDouble() < edge.GetProperty("ece_percent").GetDouble());

        double[] axis = ReadMetrics(m => m.GetProperty("overconfidence_edges").EnumerateArray()
            .Where(e => e.GetProperty("task").GetString() == FortunesTopics.TaskName)
            .Select(e => e.GetProperty("test_ece_percent").GetDouble()));
        Assert.True(axis.Length >= 5, $"{axis.Length} text edges on the axis");
        Assert.True(axis.Min() <= 6.0 && axis.Max() >= 20.0, $"axis ECE {axis.Min()}% .. {axis.Max()}%");
    }

    private static JsonElement Entry(string model) =>
        ReadMetrics<JsonElement>(m => [m.GetProperty("models").GetProperty(model).Clone()])[0];

    private static T[] ReadMetrics<T>(Func<JsonElement, IEnumerable<T>> select)
    {
        using JsonDocument doc = JsonDocument.Parse(File.ReadAllBytes(Path.Combine(Root, "models", "metrics.json")));
        return [.. select(doc.RootElement)];
    }
}
