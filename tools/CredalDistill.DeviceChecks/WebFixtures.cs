using System.Globalization;
using System.Text.Json;
using CredalDistill.Experiments.Data;
using CredalDistill.IO;
using CredalDistill.Onnx;

namespace CredalDistill.DeviceChecks;

/// <summary>
/// The browser page's data: the FMNIST-3 calibration logits (the first 1,000 test images, cloud and edge, for
/// <c>credal calibrate --logits</c>), a few other test images for the page, and the library's expected outputs on
/// those images for each exported threshold.
/// </summary>
internal static class WebFixtures
{
    public const int CalibrationImages = 1000;

    /// <summary>Test-image indices (FMNIST-3 test order) shown on the page: two per class, after the calibration images.</summary>
    public static int[] PageImages(FashionMnistDataset data)
        => [.. Enumerable.Range(0, data.Classes).SelectMany(c => Enumerable.Range(CalibrationImages, data.Count - CalibrationImages).Where(i => data.Labels[i] == c).Take(2)).Order()];

    public static int Prepare(string dir)
    {
        Directory.CreateDirectory(dir);
        var data = FashionMnist.LoadTest(FashionMnistTask.Fmnist3);
        string models = Path.Combine(Path.GetDirectoryName(FashionMnist.FindDataDirectory())!, "models");
        var images = data.Images.AsSpan(0, CalibrationImages * FashionMnistDataset.PixelsPerImage);
        foreach (string part in new[] { "cloud", "edge" })
        {
            using var model = OnnxClassifier.Open(Path.Combine(models, $"fmnist3-{part}.onnx"));
            float[] logits = model.PredictLogits(images, CalibrationImages);
            MatrixFile.Write(Path.Combine(dir, $"cal-{part}.csv"), logits.Select(v => (double)v).ToArray(), CalibrationImages, data.Classes);
        }

        var page = PageImages(data).Select(i => new
        {
            index = i,
            label = data.Labels[i],
            labelName = data.Task.ClassNames[data.Labels[i]],
            pixels = data.Image(i).ToArray().Select(v => (int)Math.Round(v * 255f)),
        });
        File.WriteAllText(Path.Combine(dir, "images.json"), JsonSerializer.Serialize(new { classes = data.Task.ClassNames, images = page }));
        Console.WriteLine($"wrote {dir}: cal-cloud.csv, cal-edge.csv ({CalibrationImages} images), images.json ({PageImages(data).Length} images)");
        return 0;
    }

    public static int Expected(string dir, string[] eps)
    {
        var data = FashionMnist.LoadTest(FashionMnistTask.Fmnist3);
        string models = Path.Combine(Path.GetDirectoryName(FashionMnist.FindDataDirectory())!, "models");
        int[] indices = PageImages(data);
        var pixels = indices.SelectMany(i => data.Image(i).ToArray()).ToArray();
        using var edge = OnnxClassifier.Open(Path.Combine(models, "fmnist3-edge.onnx"));
        float[] logits = edge.PredictLogits(pixels, indices.Length);
        int k = data.Classes;
        var thresholds = new Dictionary<string, object>(StringComparer.Ordinal);
        double[][]? edgeProbabilities = null;
        foreach (string e in eps)
        {
            var artifact = CalibrationArtifact.Load(Path.Combine(dir, $"cal-eps{e}.json"));
            var threshold = artifact.Threshold!;
            var rows = indices.Select((_, r) => ExpectedRow.Compute(threshold.Divergence, threshold.Gamma, logits.AsSpan(r * k, k), maxEntropy: false)).ToArray();
            edgeProbabilities ??= rows.Select(r => r.Edge).ToArray();
            thresholds[e] = new
            {
                epsilon = threshold.Epsilon,
                divergence = threshold.Divergence.Name,
                gamma = threshold.Unbounded ? (double?)null : threshold.Gamma,
                rows = rows.Select(r => new { probabilities = r.Probabilities, lower = r.Lower, upper = r.Upper, label_set = r.LabelSet }),
            };
        }

        File.WriteAllText(Path.Combine(dir, "expected.json"), JsonSerializer.Serialize(new { images = indices, edge = edgeProbabilities, thresholds }));
        var manifest = eps.Select(e => CalibrationArtifact.Load(Path.Combine(dir, $"cal-eps{e}.json"))).Select((a, i) => new
        {
            epsilon = a.Threshold!.Epsilon,
            divergence = a.Threshold.Divergence.Name,
            gamma = a.Threshold.Unbounded ? (double?)null : a.Threshold.Gamma,
            n = a.N,
            model = $"models/fmnist3-edge-eps{eps[i]}.onnx",
        });
        File.WriteAllText(Path.Combine(dir, "thresholds.json"), JsonSerializer.Serialize(manifest));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"wrote {Path.Combine(dir, "expected.json")}: {indices.Length} images x {eps.Length} thresholds"));
        return 0;
    }
}
