using System.Globalization;
using System.Text.Json;
using CredalDistill.Experiments.Data;
using CredalDistill.IO;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using Xunit.Abstractions;

namespace CredalDistill.Cli.Tests;

/// <summary>
/// Issue 24: a user calibrates and predicts with the text edge exactly as with the image edges (the same file contract:
/// logits per row), and <c>credal export</c> works on the text edge's ONNX graph: the exported model, fed the C#
/// featuriser's counts, gives in ONNX Runtime what <c>credal predict</c> writes (to 1e-5).
/// </summary>
public sealed class TextModelCliTests(ITestOutputHelper output) : IDisposable
{
    private const int K = 12;
    private const int Calibration = 600;
    private const double Tolerance = 1e-5;

    /// <summary>Every fourth bundled text (all topics) with the edge's and the cloud's logits, computed once for all cases.</summary>
    private static readonly Lazy<(string[] Texts, int[] Labels, double[] Edge, double[] Cloud)> Case = new(() =>
    {
        FortunesTopicsDataset data = FortunesTopics.LoadTest();
        string[] texts = [.. Enumerable.Range(0, data.Count).Where(i => i % 4 == 0).Select(i => data.Texts[i])];
        int[] labels = [.. Enumerable.Range(0, data.Count).Where(i => i % 4 == 0).Select(i => data.Labels[i])];
        return (texts, labels, TextModelRunner.Run(Path.Combine(Models, "fortunes-edge.onnx"), texts).LogitsAsDouble(),
            TextModelRunner.Run(Path.Combine(Models, "fortunes-cloud.onnx"), texts).LogitsAsDouble());
    });

    private readonly TempDirectory _dir = new();

    private static string Models => Path.Combine(Path.GetDirectoryName(FortunesTopics.FindDataDirectory())!, "models");

    public void Dispose() => _dir.Dispose();

    [Theory]
    [InlineData("cdci")]
    [InlineData("distilled-ts")]
    [InlineData("distilled-ts+cdci")]
    public void Text_edge_logits_calibrate_predict_and_export(string method)
    {
        string edgeModel = Path.Combine(Models, "fortunes-edge.onnx");

        // The first 600 texts for calibration, the other 324 for testing.
        var (texts, labels, edge, cloud) = Case.Value;
        int test = texts.Length - Calibration;
        _dir.WriteMatrix("cal_edge.csv", edge[..(Calibration * K)], K);
        _dir.WriteMatrix("cal_cloud.csv", cloud[..(Calibration * K)], K);
        _dir.WriteMatrix("test_edge.csv", edge[(Calibration * K)..], K);
        _dir.WriteMatrix("test_cloud.csv", cloud[(Calibration * K)..], K);
        _dir.WriteLabels("test_labels.csv", labels[Calibration..]);

        var calibrate = CliRun.Invoke("calibrate", "--logits", "--cloud", _dir["cal_cloud.csv"], "--edge", _dir["cal_edge.csv"], "--method", method, "--out", _dir["cal.json"]);
        Assert.True(calibrate.ExitCode == 0, calibrate.ToString());
        var artifact = CalibrationArtifact.Load(_dir["cal.json"]);
        Assert.Equal((method, K), (artifact.Method, artifact.Classes));

        var predict = CliRun.Invoke("predict", "--logits", "--calibration", _dir["cal.json"], "--edge", _dir["test_edge.csv"], "--out", _dir["predicted.csv"]);
        Assert.True(predict.ExitCode == 0, predict.ToString());
        double[] predicted = MatrixFile.Read(_dir["predicted.csv"]).Data.ToArray();
        Assert.Equal(test * K, predicted.Length);

        var evaluate = CliRun.Invoke("evaluate", "--logits", "--calibration", _dir["cal.json"], "--edge", _dir["test_edge.csv"], "--cloud", _dir["test_cloud.csv"], "--labels", _dir["test_labels.csv"], "--json", _dir["report.json"]);
        Assert.True(evaluate.ExitCode == 0, evaluate.ToString());
        using (var report = JsonDocument.Parse(File.ReadAllBytes(_dir["report.json"])))
        {
            double edgeAccuracy = report.RootElement.GetProperty("methods").GetProperty("edge").GetProperty("accuracy").GetDouble();
            int correct = Enumerable.Range(0, test).Count(i => ArgMax(edge.AsSpan((Calibration + i) * K, K)) == labels[Calibration + i]);
            Assert.Equal((double)correct / test, edgeAccuracy, 12);
        }

        var export = CliRun.Invoke("export", "--model", edgeModel, "--calibration", _dir["cal.json"], "--out", _dir["calibrated.onnx"]);
        Assert.True(export.ExitCode == 0, export.ToString());

        // The exported graph takes the featuriser's counts, like the edge itself.
        int d = HashedTextFeaturizer.Edge.Dimension;
        var input = new float[test * d];
        HashedTextFeaturizer.Edge.Featurize(texts, Calibration, test, input);
        using var session = new InferenceSession(_dir["calibrated.onnx"], new SessionOptions { IntraOpNumThreads = 1, InterOpNumThreads = 1 });
        using var results = session.Run([NamedOnnxValue.CreateFromTensor("input", new DenseTensor<float>(input, [test, d]))]);
        float[] logits = results.Single(r => r.Name == "logits").AsTensor<float>().ToArray();
        float[] probabilities = results.Single(r => r.Name == "probabilities").AsTensor<float>().ToArray();
        Assert.Equal(test * K, probabilities.Length);
        double worst = 0;
        for (int j = 0; j < probabilities.Length; j++)
        {
            Assert.True(Math.Abs(logits[j] - edge[(Calibration * K) + j]) <= 1e-5, $"logit {j}: exported {logits[j]}, edge {edge[(Calibration * K) + j]}");
            double error = Math.Abs(probabilities[j] - predicted[j]);
            worst = Math.Max(worst, error);
            Assert.True(error <= Tolerance, string.Create(CultureInfo.InvariantCulture, $"{method}: entry {j} (row {j / K}): exported {probabilities[j]:R}, credal predict {predicted[j]:R}"));
        }

        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{method}: {test} rows, largest |exported - credal predict| = {worst:E2}"));
        if (artifact.HasThreshold)
        {
            Assert.Contains(results, r => r.Name == "label_set");
        }
    }

    private static int ArgMax(ReadOnlySpan<double> row)
    {
        int best = 0;
        for (int j = 1; j < row.Length; j++)
        {
            if (row[j] > row[best])
            {
                best = j;
            }
        }

        return best;
    }
}
