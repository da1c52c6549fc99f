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
/// runs <c>credal calibrate</c> with distilled-ms+cdci, distilled-ts, ts (labels: the cloud's arg-max) and
/// distilled-ts+cdci, exports them, and runs <c>credal predict</c> on <c>logits.csv</c> (the 64 inputs' logits); the expected
/// outputs of those cases are credal predict's files, which must also equal the artifact restored by the library
/// (<see cref="FittedCalibrator.FromArtifact"/>) to 1e-9.
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

    /// <summary>
    /// Artifacts fitted by <c>credal calibrate</c> from the calibration logits, and the output exported and predicted:
    /// (artifact file, output). tools/device-checks.sh fits, exports and runs <c>credal predict</c> on each (same list).
    /// </summary>
    public static readonly (string File, string Output)[] MapCases =
    [
        ("cal-ms.json", "calibrated"),
        ("cal-ms.json", "intersection"),
        ("cal-dts.json", "calibrated"),
        ("cal-ts.json", "calibrated"),
        ("cal-dtscdci.json", "calibrated"),
        ("cal-dtscdci.json", "intersection"),
    ];

    /// <summary>How far the library's restored artifact may be from the <c>credal predict</c> files (both double; CSV round-trips).</summary>
    private const double PredictAgreement = 1e-9;

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
            // Labels for the labelled baseline (ts): the cloud's arg-max, one per line.
            File.WriteAllLines(Path.Combine(dir, "cal-labels.csv"), Enumerable.Range(0, CalibrationRows).Select(r =>
                Enumerable.Range(0, Classes).MaxBy(j => cloud[(r * Classes) + j]).ToString(CultureInfo.InvariantCulture)));
            // The 64 test inputs' logits as the model computes them (float32), for credal predict.
            float[] logits = classifier.PredictLogits(x, Rows);
            MatrixFile.Write(Path.Combine(dir, "logits.csv"), logits.Select(v => (double)v).ToArray(), Rows, Classes);
        }

        Console.WriteLine($"wrote {dir}: model.onnx (x [N, {Features}] -> logits [N, {Classes}]), inputs.json and logits.csv ({Rows} rows), {Cases.DistinctBy(c => c.File).Count()} artifacts, cal-edge.csv, cal-cloud.csv and cal-labels.csv ({CalibrationRows} rows)");
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
            // The expected numbers are what credal predict wrote (pred-NAME-OUTPUT[-bounds|-labels].csv, from logits.csv);
            // the library's restored artifact must give the same to 1e-9, so the check also ties predict to the library.
            string stem = $"pred-{Path.GetFileNameWithoutExtension(file)[4..]}-{output}";
            var artifact = CalibrationArtifact.Load(Path.Combine(dir, file));
            CalibratedOutputNames.TryParse(output, out var kind);
            var fitted = FittedCalibrator.FromArtifact(artifact with { Output = kind });
            double[] probabilities = ReadCsv(Path.Combine(dir, stem + ".csv"), Classes);
            Agree(file, output, fitted.Calibrate(edgeMatrix).ToArray(), probabilities);
            bool point = !artifact.HasThreshold;
            double[] lower = [], upper = [];
            bool[] labelSet = [];
            if (!point)
            {
                double[] bounds = ReadCsv(Path.Combine(dir, stem + "-bounds.csv"), 2 * Classes);
                lower = Enumerable.Range(0, Rows * Classes).Select(i => bounds[(i / Classes * 2 * Classes) + (i % Classes)]).ToArray();
                upper = Enumerable.Range(0, Rows * Classes).Select(i => bounds[(i / Classes * 2 * Classes) + Classes + (i % Classes)]).ToArray();
                var sets = fitted.Describe(edgeMatrix);
                Agree(file, "lower", sets.Bounds.Lower.ToArray(), lower);
                Agree(file, "upper", sets.Bounds.Upper.ToArray(), upper);
                labelSet = File.ReadAllLines(Path.Combine(dir, stem + "-labels.csv")).Skip(1)
                    .SelectMany(line => Enumerable.Range(0, Classes).Select(j => line.Split('|', StringSplitOptions.RemoveEmptyEntries).Contains(j.ToString(CultureInfo.InvariantCulture))))
                    .ToArray();
                if (!labelSet.SequenceEqual(sets.LabelSets))
                {
                    throw new InvalidOperationException($"{file}: credal predict's label sets differ from the library's");
                }
            }

            cases.Add(new
            {
                calibration = file,
                model = $"calibrated-{Path.GetFileNameWithoutExtension(file)[4..]}-{output}.onnx",
                output,
                point,
                reference = "credal predict",
                tolerance = 1e-5,
                probabilities,
                lower,
                upper,
                label_set = labelSet,
            });
        }

        File.WriteAllText(Path.Combine(dir, "expected.json"), JsonSerializer.Serialize(new { classes = Classes, logits, cases }));
        double gap = Enumerable.Range(0, Rows).Max(r => logits.AsSpan(r * Classes, Classes).ToArray().Max() - logits.AsSpan(r * Classes, Classes).ToArray().Min());
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"wrote {Path.Combine(dir, "expected.json")}: {cases.Count} cases x {Rows} rows, largest logit gap {gap:F1}"));
        return 0;
    }

    /// <summary>The numbers of a <c>credal predict</c> CSV (header row skipped), checking the column count.</summary>
    private static double[] ReadCsv(string path, int columns)
    {
        var lines = File.ReadAllLines(path).Skip(1).Where(l => l.Length > 0).ToArray();
        var values = lines.SelectMany(l => l.Split(',')).Select(v => double.Parse(v, CultureInfo.InvariantCulture)).ToArray();
        if (lines.Length != Rows || values.Length != Rows * columns)
        {
            throw new InvalidOperationException($"{path}: {lines.Length} rows, {values.Length} values; expected {Rows} rows of {columns}");
        }

        return values;
    }

    /// <summary>Fails when the library and credal predict differ by more than <see cref="PredictAgreement"/>.</summary>
    private static void Agree(string file, string what, double[] library, double[] predict)
    {
        double worst = library.Zip(predict, (a, b) => Math.Abs(a - b)).Max();
        if (library.Length != predict.Length || !(worst <= PredictAgreement))
        {
            throw new InvalidOperationException(string.Create(CultureInfo.InvariantCulture, $"{file} {what}: the library and credal predict differ by {worst:E2}"));
        }
    }
}
