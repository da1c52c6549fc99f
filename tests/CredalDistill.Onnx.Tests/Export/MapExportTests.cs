using CredalDistill.Calibration;
using CredalDistill.Divergences;
using CredalDistill.IO;
using CredalDistill.Onnx.Export;

namespace CredalDistill.Onnx.Tests.Export;

/// <summary>
/// Artifacts with a calibration map export: the temperature (and any vector or matrix) map runs in the graph before the
/// credal step, so the exported model in ONNX Runtime gives what <c>credal predict</c> (the fitted calibrator's batch API)
/// gives, to float32 resolution: the point output of a point calibration, and for map+cdci the point output, the bounds and
/// the label sets around the mapped edge.
/// </summary>
public sealed class MapExportTests
{
    private const int K = 4;
    private const double Tolerance = 1e-5;

    private static (CalibrationData Data, double[] TestLogits, ProbabilityMatrix Test) Case()
    {
        var rng = new Random(41);
        double[] Logits(int n, double scale) => [.. Enumerable.Range(0, n * K).Select(_ => scale * ((rng.NextDouble() * 2) - 1))];
        var z = Logits(300, 4.0);
        // A cloud softer than the edge and not an exact temperature of it, so gamma is of a realistic size (~0.1 nats).
        var cloud = ProbabilityMatrix.FromLogits([.. z.Select(v => (v / 2.5) + (0.8 * ((rng.NextDouble() * 2) - 1)))], K);
        var edge = ProbabilityMatrix.FromLogits(z, K);
        var labels = Enumerable.Range(0, 300).Select(i => edge.ArgMax(i) == 0 ? 1 : edge.ArgMax(i)).ToArray();
        var testLogits = Logits(40, 6.0);
        return (new CalibrationData(cloud, edge, labels), testLogits, ProbabilityMatrix.FromLogits(testLogits, K));
    }

    [Theory]
    [InlineData("distilled-ts")]
    [InlineData("ts")]
    [InlineData("distilled-ts+cdci")]
    [InlineData("auto")]
    public void Exported_map_artifacts_agree_with_the_library(string method)
    {
        var (data, testLogits, test) = Case();
        var fitted = CalibrationMethods.Get(method).Create(new MethodOptions { Divergence = Divergence.KL, Epsilon = 0.1 }).Fit(data);
        Assert.True(!fitted.IsSetValued || fitted.ToArtifact().Threshold!.Gamma > 0.01, "the case must have a threshold of realistic size");
        var artifact = fitted.ToArtifact();
        Assert.Null(CalibratedModelExporter.Refusal(artifact));
        using var model = new ExportedModel(LinearLogitsModel.Identity(K), artifact);
        var o = model.Run("x", [.. testLogits.Select(v => (float)v)], [test.Rows, K]);
        var expected = fitted.Calibrate(test);
        if (fitted.IsSetValued)
        {
            var rows = fitted.Describe(test);
            AssertClose(rows.Bounds.Lower.ToArray(), o["lower"], method + " lower");
            AssertClose(rows.Bounds.Upper.ToArray(), o["upper"], method + " upper");
            var centre = fitted.Centre(test);
            var calibratedOutput = new ExportedModel(LinearLogitsModel.Identity(K), artifact, new CalibratedExportOptions { Output = CalibratedOutput.Calibrated });
            AssertClose(centre.Data, calibratedOutput.Run("x", [.. testLogits.Select(v => (float)v)], [test.Rows, K])["probabilities"], method + " centre");
            calibratedOutput.Dispose();
        }

        AssertClose(expected.Data, o["probabilities"], method + " probabilities");
        if (!fitted.IsSetValued)
        {
            Assert.Equal(["logits", "probabilities"], model.OutputNames.Order(StringComparer.Ordinal));
        }
    }

    [Theory]
    [InlineData(MapShape.Vector)]
    [InlineData(MapShape.Matrix)]
    public void Vector_and_matrix_maps_export_as_mul_or_matmul_on_the_log_softmax(MapShape shape)
    {
        var (_, testLogits, test) = Case();
        var rng = new Random(5);
        var bias = Enumerable.Range(0, K).Select(_ => rng.NextDouble() - 0.5).ToArray();
        var map = shape == MapShape.Vector
            ? CalibrationMap.FromVector([.. Enumerable.Range(0, K).Select(_ => 0.5 + rng.NextDouble())], bias, MapObjective.DistilledKullbackLeibler, 10, 0.01)
            : CalibrationMap.FromMatrix([.. Enumerable.Range(0, K * K).Select(i => (i % (K + 1) == 0 ? 1.0 : 0.0) + (0.3 * (rng.NextDouble() - 0.5)))], bias, MapObjective.DistilledKullbackLeibler, 10, 0.01);

        // Independent reference: softmax(A l + b), l = log-softmax(z), written here.
        var expected = new double[test.Rows * K];
        for (int i = 0; i < test.Rows; i++)
        {
            var z = testLogits.AsSpan(i * K, K).ToArray();
            double max = z.Max();
            double lse = max + Math.Log(z.Sum(v => Math.Exp(v - max)));
            var l = z.Select(v => v - lse).ToArray();
            var s = new double[K];
            for (int j = 0; j < K; j++)
            {
                s[j] = bias[j] + (shape == MapShape.Vector ? map.Weights[j] * l[j] : Enumerable.Range(0, K).Sum(m => map.Weights[(j * K) + m] * l[m]));
            }

            double sm = s.Max();
            double norm = s.Sum(v => Math.Exp(v - sm));
            for (int j = 0; j < K; j++)
            {
                expected[(i * K) + j] = Math.Exp(s[j] - sm) / norm;
            }
        }

        AssertClose(expected, map.Apply(test).Data.ToArray(), "library");
        var artifact = new CalibrationArtifact { Method = "distilled-ts", Output = CalibratedOutput.Calibrated, Classes = K, N = 10, Map = map };

        // A vector or matrix map is not a temperature: distilled-ts refuses it, and export sees only valid artifacts.
        Assert.Contains("holds a map of shape temperature", artifact.Problem());
        var graph = LinearLogitsModel.Identity(K);
        var threshold = CalibrationArtifact.Cdci(Divergence.KL, 0.1, 10, K, 0.3, new ArtifactScoreSummary(0, 0.1, 1)).Threshold;
        var withSet = new CalibrationArtifact { Method = "auto", Output = CalibratedOutput.Calibrated, Classes = K, N = 10, Map = map, Threshold = threshold, Auto = new AutoChoice(0, "c", "r", [new AutoCandidate("distilled-ts", null, null, "calibrated", 0.1, 0.9)], 0.5) };
        Assert.Null(withSet.Problem());
        using var model = new ExportedModel(graph, withSet);
        var o = model.Run("x", [.. testLogits.Select(v => (float)v)], [test.Rows, K]);
        AssertClose(expected, o["probabilities"], MapShapes.Name(shape));
        Assert.Contains(graph.Graph.Node, n => n.OpType == (shape == MapShape.Matrix ? "MatMul" : "Mul") && n.Name.StartsWith(CalibratedModelExporter.Prefix, StringComparison.Ordinal));
    }

    [Fact]
    public void What_has_no_onnx_form_is_refused_by_one_rule()
    {
        var (data, _, _) = Case();
        var point = new DistilledTemperatureCalibrator().Fit(data).ToArtifact();
        Assert.Contains("point calibration", CalibratedModelExporter.Refusal(point, CalibratedOutput.Intersection));
        var centroid = new CdciCalibrator { Output = CalibratedOutput.Centroid }.Fit(data).ToArtifact();
        Assert.Contains("'centroid' has no ONNX form", CalibratedModelExporter.Refusal(centroid));
        var tv = new CdciCalibrator { Divergence = Divergence.Parse("tv") }.Fit(data).ToArtifact();
        Assert.Contains("KL divergence only", CalibratedModelExporter.Refusal(tv, CalibratedOutput.MaximumEntropy));
        var ex = Assert.Throws<OnnxExportException>(() => CalibratedModelExporter.Append(LinearLogitsModel.Identity(K), centroid));
        Assert.Contains("centroid", ex.Message, StringComparison.Ordinal);
    }

    private static void AssertClose(ReadOnlySpan<double> expected, IReadOnlyList<double> actual, string what)
    {
        Assert.Equal(expected.Length, actual.Count);
        for (int i = 0; i < expected.Length; i++)
        {
            Assert.True(Math.Abs(expected[i] - actual[i]) <= Tolerance, $"{what}[{i}]: ONNX {actual[i]} vs library {expected[i]}");
        }
    }

    private static void AssertClose(double[] expected, IReadOnlyList<double> actual, string what) => AssertClose(expected.AsSpan(), actual, what);
}
