using System.Text.Json;
using CredalDistill.Experiments.Data;
using CredalDistill.IO;
using CredalDistill.Metrics;

namespace CredalDistill.Onnx.Tests;

/// <summary>The overconfidence-axis edges of issue 11, measured in C# against <c>metrics.json</c>.</summary>
[Collection(nameof(BundledModelsCollection))]
public sealed class OverconfidenceEdgeTests(BundledModels models)
{
    [Theory]
    [MemberData(nameof(BundledModels.OverconfidenceEdgeNames), MemberType = typeof(BundledModels))]
    public void ListedEceAndConfidenceMatchOnnxRuntime(string model)
    {
        JsonElement listed = Listed(model);
        FashionMnistDataset d = models.Data(model);
        double[] p = models.Probabilities(model);
        ReliabilityBin[] bins = ReliabilityDiagram.Compute(p, d.Classes, d.Labels);
        double ece = 100.0 * ExpectedCalibrationError.FromBins(bins);
        double confidence = 100.0 * bins.Sum(b => b.Count * b.MeanConfidence) / d.Count;

        Assert.Equal(model + ".onnx", listed.GetProperty("file").GetString());
        Assert.Equal(model + "-lastlayer.json", listed.GetProperty("lastlayer").GetString());
        Assert.Equal(model.Split('-')[0], listed.GetProperty("task").GetString());
        double listedEce = listed.GetProperty("test_ece_percent").GetDouble();
        double listedConfidence = listed.GetProperty("test_mean_confidence_percent").GetDouble();
        Assert.True(Math.Abs(ece - listedEce) <= 0.5, $"{model}: ECE {ece:F2}% in C#, {listedEce:F2}% in metrics.json");
        Assert.True(Math.Abs(confidence - listedConfidence) <= 0.5, $"{model}: mean confidence {confidence:F2}% in C#, {listedConfidence:F2}% in metrics.json");
        Assert.Equal(listed.GetProperty("test_accuracy_percent").GetDouble(), models.Entry(model).GetProperty("test").GetProperty("accuracy_percent").GetDouble());
    }

    /// <summary>Issue 11: at least 6 new edges whose raw test ECE (measured here) reaches from at most 3% to at least 8%.</summary>
    [Fact]
    public void EdgesSpanTheOverconfidenceAxis()
    {
        double[] eces = BundledModels.OverconfidenceEdges.Select(m =>
        {
            FashionMnistDataset d = models.Data(m);
            return 100.0 * ExpectedCalibrationError.Compute(models.Probabilities(m), d.Classes, d.Labels);
        }).ToArray();
        Assert.True(eces.Length >= 6, $"{eces.Length} edges");
        Assert.True(eces.Min() <= 3.0, $"smallest ECE {eces.Min():F2}%");
        Assert.True(eces.Max() >= 8.0, $"largest ECE {eces.Max():F2}%");
    }

    private JsonElement Listed(string model) =>
        models.Metrics.RootElement.GetProperty("overconfidence_edges").EnumerateArray().Single(e => e.GetProperty("name").GetString() == model);
}
