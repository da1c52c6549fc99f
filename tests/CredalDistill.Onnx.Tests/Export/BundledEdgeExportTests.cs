using CredalDistill.Calibration;
using CredalDistill.Divergences;
using CredalDistill.Onnx.Export;
using Xunit.Abstractions;

namespace CredalDistill.Onnx.Tests.Export;

/// <summary>
/// The bundled FMNIST edges exported with <see cref="CalibratedModelExporter"/> and run by ONNX Runtime (.NET): the kept
/// <c>logits</c> output is unchanged, and the added outputs equal the library's double-precision results on those
/// logits (first 500 test images) to 2e-4, with <c>lower &lt;= probabilities &lt;= upper</c>.
/// </summary>
public sealed class BundledEdgeExportTests(BundledModels models, ITestOutputHelper output) : IClassFixture<BundledModels>
{
    [Theory]
    [InlineData("fmnist3-edge", "kl", 0.3, false)]
    [InlineData("fmnist3-edge", "kl", 0.3, true)]
    [InlineData("fmnist3-edge", "alpha:0.9", 0.5, false)]
    [InlineData("fmnist10-edge", "kl", 0.8, false)]
    [InlineData("fmnist10-edge", "hellinger", 0.2, false)]
    [InlineData("fmnist10-edge-q4", "reverse-kl", 0.5, false)]
    public void Exported_edge_matches_the_library(string name, string divergence, double gamma, bool maxEntropy)
    {
        var data = models.Data(name);
        int n = 500;
        int k = data.Classes;
        var images = data.Images.AsSpan(0, n * 784).ToArray();
        var original = CalibratedModelExporter.Read(models.PathOf(name));
        var options = new CalibratedExportOptions { Output = maxEntropy ? CalibratedOutput.MaximumEntropy : CalibratedOutput.Intersection };
        using var model = new ExportedModel(original, ExportedModel.Artifact(divergence, gamma, k), options);
        Assert.Equal(["logits", "features", "probabilities", "lower", "upper", "label_set"], model.OutputNames);
        var o = model.Run("input", images, [n, 1, 28, 28]);

        using var classifier = OnnxClassifier.Open(models.PathOf(name));
        float[] logits = classifier.PredictLogits(images, n);
        Assert.Equal(logits.Select(v => (double)v), o["logits"]);
        var d = Divergence.Parse(divergence);
        double maxError = 0;
        for (int r = 0; r < n; r++)
        {
            var expected = ReferenceCredal.Library(d, gamma, logits.AsSpan(r * k, k).ToArray().Select(v => (double)v).ToArray(), maxEntropy);
            for (int j = 0; j < k; j++)
            {
                int at = (r * k) + j;
                maxError = Math.Max(maxError, Math.Abs(o["lower"][at] - expected.Lower[j]));
                maxError = Math.Max(maxError, Math.Abs(o["upper"][at] - expected.Upper[j]));
                maxError = Math.Max(maxError, Math.Abs(o["probabilities"][at] - expected.Probabilities[j]));
                Assert.True(o["lower"][at] <= o["probabilities"][at] && o["probabilities"][at] <= o["upper"][at], $"row {r} class {j}");
            }
        }

        output.WriteLine($"{name} {divergence} gamma={gamma} maxent={maxEntropy}: max abs error {maxError:G3} over {n} images");
        Assert.True(maxError <= 2e-4, $"max abs error {maxError}");
    }
}
