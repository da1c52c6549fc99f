using CredalDistill.Divergences;
using CredalDistill.Calibration;
using System.Globalization;
using System.Text.Json;
using CredalDistill.IO;
using CredalDistill.Onnx;
using CredalDistill.Onnx.Export;
using Google.Protobuf;

namespace CredalDistill.DeviceChecks;

/// <summary>
/// The Node check's fixture: a "third-party" classifier that is not one of the bundled models (a seeded linear layer,
/// input <c>x</c> <c>[N, 6]</c>, output <c>logits</c> <c>[N, 4]</c>), three CD-CI artifacts and four cases (KL intersection, KL
/// maxent, Hellinger, alpha 0.9), and 64 inputs, the last 16 scaled to near one-hot rows (logit gaps up to a few hundred;
/// the library reads them as logits, so it is exact there too). For the calibration maps it also writes calibration
/// logits of the model and of a class-mixing "cloud" (<c>cal-edge.csv</c>, <c>cal-cloud.csv</c>), from which the script
/// runs <c>credal calibrate --method distilled-ms+cdci</c> and <c>--method distilled-ts</c>; the expected outputs are
/// those of the artifact restored by the library (<see cref="FittedCalibrator.FromArtifact"/>), as <c>credal predict</c>
/// writes them.
/// </summary>
internal static class ThirdParty
{
    public const int Features = 6;
    public const int Classes = 4;
    public const int Rows = 64;

    /// <summary>(artifact file, divergence, gamma, output kind).</summary>
    public static readonly (string File, string Divergence, double Gamma, string Output)[] Cases =
    [
        ("cal-kl.json", "kl", 0.35, "intersection"),
        ("cal-kl.json", "kl", 0.35, "maxent"),
        ("cal-hellinger.json", "hellinger", 0.08, "intersection"),
        ("cal-alpha.json", "alpha:0.9", 0.5, "intersection"),
    ];

    /// <summary>Artifacts fitted by <c>credal calibrate</c> from the calibration logits, and the output exported: (artifact file, output).</summary>
    public static readonly (string File, string Output)[] MapCases =
    [
        ("cal-ms.json", "calibrated"),
        ("cal-ms.json", "intersection"),
        ("cal-dts.json", "calibrated"),
    ];

    /// <summary>Calibration rows of the map artifacts.</summary>
    public const int CalibrationRows = 400;

    public static int Prepare(string dir)
    {
        Directory.CreateDirectory(dir);
        var rng = new Random(2026);
        var w = new float[Features, Classes];
        for (int i = 0; i < Features; i++)
        {
            for (int j = 0; j < Classes; j++)
            {
                w[i, j] = (float)((rng.NextDouble() * 2) - 1);
            }
        }

        var b = Enumerable.Range(0, Classes).Select(_ => (float)(rng.NextDouble() - 0.5)).ToArray();
        var model = LinearLogitsModel.Create(w, b);
        File.WriteAllBytes(Path.Combine(dir, "model.onnx"), model.ToByteArray());
        var x = new float[Rows * Features];
        for (int r = 0; r < Rows; r++)
        {
            double scale = r < 48 ? 1.0 + (r % 4) : 4.0 * (r - 46); // the last 16 rows are near one-hot (logit gaps up to a few hundred)
            for (int i = 0; i < Features; i++)
            {
                x[(r * Features) + i] = (float)(scale * ((rng.NextDouble() * 2) - 1));
            }
        }

        File.WriteAllText(Path.Combine(dir, "inputs.json"), JsonSerializer.Serialize(new { shape = new[] { Rows, Features }, x }));
        foreach (var c in Cases.DistinctBy(c => c.File))
        {
            new CalibrationArtifact
            {
                Method = "cdci",
                Output = CalibratedOutput.Intersection,
                Classes = Classes,
                N = 500,
                Map = CalibrationMap.Identity(Classes),
                Threshold = new ArtifactThreshold { Divergence = Divergence.Parse(c.Divergence), Epsilon = 0.1, Gamma = c.Gamma, Scores = new ArtifactScoreSummary(0.0, c.Gamma / 2, c.Gamma * 3) },
            }.Save(Path.Combine(dir, c.File));
        }

        // Calibration data for the maps: the model's logits on other inputs, and a "cloud" that mixes the classes
        // (logits M z / 2 + u with M = 0.7 I + 0.3 P, P a cyclic shift, u uniform in [-0.5, 0.5]), so a matrix map has something
        // to learn and the credal sets around it a radius.
        var xc = new float[CalibrationRows * Features];
        for (int i = 0; i < xc.Length; i++)
        {
            xc[i] = (float)(2.0 * ((rng.NextDouble() * 2) - 1));
        }

        using (var classifier = OnnxClassifier.Open(Path.Combine(dir, "model.onnx"), new OnnxClassifierOptions { InputName = "x" }))
        {
            float[] edge = classifier.PredictLogits(xc, CalibrationRows);
            var cloud = new double[edge.Length];
            for (int r = 0; r < CalibrationRows; r++)
            {
                for (int j = 0; j < Classes; j++)
                {
                    cloud[(r * Classes) + j] = (0.5 * ((0.7 * edge[(r * Classes) + j]) + (0.3 * edge[(r * Classes) + ((j + 1) % Classes)]))) + (rng.NextDouble() - 0.5);
                }
            }

            MatrixFile.Write(Path.Combine(dir, "cal-edge.csv"), edge.Select(v => (double)v).ToArray(), CalibrationRows, Classes);
            MatrixFile.Write(Path.Combine(dir, "cal-cloud.csv"), cloud, CalibrationRows, Classes);
        }

        Console.WriteLine($"wrote {dir}: model.onnx (x [N, {Features}] -> logits [N, {Classes}]), inputs.json ({Rows} rows), {Cases.DistinctBy(c => c.File).Count()} artifacts, cal-edge.csv and cal-cloud.csv ({CalibrationRows} rows of logits)");
        return 0;
    }

    public static int Expected(string dir)
    {
        var x = JsonDocument.Parse(File.ReadAllText(Path.Combine(dir, "inputs.json"))).RootElement.GetProperty("x").EnumerateArray().Select(e => e.GetSingle()).ToArray();
        // The logits as the original model computes them (ONNX Runtime, float32), then the library in double.
        using var classifier = OnnxClassifier.Open(Path.Combine(dir, "model.onnx"), new OnnxClassifierOptions { InputName = "x" });
        float[] logits = classifier.PredictLogits(x, Rows);
        var cases = new List<object>();
        foreach (var c in Cases)
        {
            var artifact = CalibrationArtifact.Load(Path.Combine(dir, c.File));
            var rows = Enumerable.Range(0, Rows)
                .Select(r => ExpectedRow.Compute(artifact.Threshold!.Divergence, artifact.Threshold.Gamma, logits.AsSpan(r * Classes, Classes), c.Output == "maxent"))
                .ToArray();
            cases.Add(new
            {
                calibration = c.File,
                model = $"calibrated-{Path.GetFileNameWithoutExtension(c.File)[4..]}-{c.Output}.onnx",
                output = c.Output,
                probabilities = rows.SelectMany(r => r.Probabilities),
                lower = rows.SelectMany(r => r.Lower),
                upper = rows.SelectMany(r => r.Upper),
                label_set = rows.SelectMany(r => r.LabelSet),
            });
        }

        var edgeMatrix = ProbabilityMatrix.FromLogits(logits.Select(v => (double)v).ToArray(), Classes);
        foreach (var (file, output) in MapCases)
        {
            // What credal predict writes: the artifact restored by the library, its output chosen as export's --output.
            var artifact = CalibrationArtifact.Load(Path.Combine(dir, file));
            CalibratedOutputNames.TryParse(output, out var kind);
            var fitted = FittedCalibrator.FromArtifact(artifact with { Output = kind });
            var probabilities = fitted.Calibrate(edgeMatrix).ToArray();
            bool point = !artifact.HasThreshold;
            var sets = point ? null : fitted.Describe(edgeMatrix);
            cases.Add(new
            {
                calibration = file,
                model = $"calibrated-{Path.GetFileNameWithoutExtension(file)[4..]}-{output}.onnx",
                output,
                point,
                probabilities,
                lower = sets?.Bounds.Lower.ToArray() ?? [],
                upper = sets?.Bounds.Upper.ToArray() ?? [],
                label_set = sets?.LabelSets ?? [],
            });
        }

        File.WriteAllText(Path.Combine(dir, "expected.json"), JsonSerializer.Serialize(new { classes = Classes, logits, cases }));
        double gap = Enumerable.Range(0, Rows).Max(r => logits.AsSpan(r * Classes, Classes).ToArray().Max() - logits.AsSpan(r * Classes, Classes).ToArray().Min());
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"wrote {Path.Combine(dir, "expected.json")}: {cases.Count} cases x {Rows} rows, largest logit gap {gap:F1}"));
        return 0;
    }
}
