using CredalDistill.Calibration;
using System.Text.Json;
using CredalDistill.Conformal;
using CredalDistill.Credal;
using CredalDistill.Divergences;
using CredalDistill.IO;
using CredalDistill.Metrics;

namespace CredalDistill.Cli.Tests;

public sealed class RoundTripTests : IDisposable
{
    private const double Tolerance = 1e-12;
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    private sealed record Files(string CalCloud, string CalEdge, string TestCloud, string TestEdge, string TestLabels, ProbabilityMatrix CalCloudM, ProbabilityMatrix CalEdgeM, ProbabilityMatrix TestCloudM, ProbabilityMatrix TestEdgeM, int[] Labels);

    private Files Make(int k, int calRows = 120, int testRows = 70)
    {
        var (cc, ce, _) = TempDirectory.Synthetic(calRows, k, seed: 11);
        var (tc, te, tl) = TempDirectory.Synthetic(testRows, k, seed: 12);
        return new Files(
            _dir.WriteMatrix($"cal_cloud{k}.csv", cc, k),
            _dir.WriteMatrix($"cal_edge{k}.csv", ce, k),
            _dir.WriteMatrix($"test_cloud{k}.csv", tc, k),
            _dir.WriteMatrix($"test_edge{k}.csv", te, k),
            _dir.WriteLabels($"test_labels{k}.csv", tl),
            MatrixFile.ReadProbabilities(_dir[$"cal_cloud{k}.csv"]),
            MatrixFile.ReadProbabilities(_dir[$"cal_edge{k}.csv"]),
            MatrixFile.ReadProbabilities(_dir[$"test_cloud{k}.csv"]),
            MatrixFile.ReadProbabilities(_dir[$"test_edge{k}.csv"]),
            tl);
    }

    private static void AssertOk(CliRun run) => Assert.True(run.ExitCode == 0, run.ToString());

    [Theory]
    [InlineData(3, "kl", 0.1)]
    [InlineData(4, "alpha:0.9", 0.2)]
    [InlineData(3, "tv", 0.05)]
    public void Calibrate_predict_evaluate_match_the_core_library(int k, string divergenceName, double epsilon)
    {
        var f = Make(k, testRows: k > 3 ? 30 : 70); // K > 3: Monte Carlo centroid, keep it quick
        string cal = _dir[$"cal{k}.json"];
        string eps = epsilon.ToString("R", System.Globalization.CultureInfo.InvariantCulture);
        var run = CliRun.Invoke("calibrate", "--cloud", f.CalCloud, "--edge", f.CalEdge, "--epsilon", eps, "--divergence", divergenceName, "--out", cal);
        AssertOk(run);

        // Threshold equals the calibrator's.
        var divergence = Divergence.Parse(divergenceName);
        var expected = SplitConformal.Calibrate(f.CalCloudM, f.CalEdgeM, epsilon, divergence);
        var artifact = CalibrationArtifact.Load(cal);
        Assert.Equal(expected.Gamma, artifact.Threshold!.Gamma);
        Assert.Equal(expected.N, artifact.N);
        Assert.Equal(k, artifact.Classes);
        Assert.Equal(epsilon, artifact.Threshold!.Epsilon);
        Assert.Equal(divergence.Name, artifact.Threshold!.Divergence.Name);
        Assert.Contains(ConsoleNumber(expected.Gamma), run.Stdout);
        Assert.Contains(ConsoleNumber(expected.GammaBits), run.Stdout);
        Assert.Contains(expected.Rank.ToString(System.Globalization.CultureInfo.InvariantCulture), run.Stdout);

        // Predictions equal CredalPredictor's.
        var predictor = new CredalPredictor(expected);
        foreach (var (option, output) in new[] { ("intersection", CalibratedOutput.Intersection), ("maxent", CalibratedOutput.MaximumEntropy), ("centroid", CalibratedOutput.Centroid) })
        {
            string path = _dir[$"pred_{option}{k}.csv"];
            AssertOk(CliRun.Invoke("predict", "--calibration", cal, "--edge", f.TestEdge, "--out", path, "--output", option));
            var table = TableFile.Read(path);
            Assert.Equal(Enumerable.Range(0, k).Select(j => $"p_{j}"), table.Header);
            var reference = predictor.Predict(f.TestEdgeM, output);
            AssertClose(reference.Data, table, f.TestEdgeM.Rows, k, j => $"p_{j}");
        }

        var bounds = predictor.Bounds(f.TestEdgeM);
        string boundsPath = _dir[$"bounds{k}.csv"];
        AssertOk(CliRun.Invoke("predict", "--calibration", cal, "--edge", f.TestEdge, "--out", boundsPath, "--output", "bounds"));
        var bt = TableFile.Read(boundsPath);
        Assert.Equal([.. Enumerable.Range(0, k).Select(j => $"lower_{j}"), .. Enumerable.Range(0, k).Select(j => $"upper_{j}")], bt.Header);
        AssertClose(bounds.Lower, bt, f.TestEdgeM.Rows, k, j => $"lower_{j}");
        AssertClose(bounds.Upper, bt, f.TestEdgeM.Rows, k, j => $"upper_{j}");

        foreach (var (ruleName, rule) in new[] { ("interval", LabelSetRule.IntervalDominance), ("maximality", LabelSetRule.Maximality) })
        {
            var sets = predictor.LabelSets(f.TestEdgeM, rule);
            string labelsPath = _dir[$"labels_{ruleName}{k}.csv"];
            AssertOk(CliRun.Invoke("predict", "--calibration", cal, "--edge", f.TestEdge, "--out", labelsPath, "--output", "labels", "--label-rule", ruleName));
            var lt = TableFile.Read(labelsPath);
            Assert.Equal(["set"], lt.Header);
            for (int i = 0; i < f.TestEdgeM.Rows; i++)
            {
                string expectedSet = string.Join("|", Enumerable.Range(0, k).Where(j => sets[(i * k) + j]));
                Assert.Equal(expectedSet, lt.Text(i, "set"));
            }
        }

        string allPath = _dir[$"all{k}.csv"];
        AssertOk(CliRun.Invoke("predict", "--calibration", cal, "--edge", f.TestEdge, "--out", allPath, "--output", "all"));
        var at = TableFile.Read(allPath);
        Assert.Equal([.. Names("lower", k), .. Names("upper", k), .. Names("ip", k), .. Names("maxent", k), "set"], at.Header);
        AssertClose(bounds.Lower, at, f.TestEdgeM.Rows, k, j => $"lower_{j}");
        AssertClose(bounds.Upper, at, f.TestEdgeM.Rows, k, j => $"upper_{j}");
        AssertClose(predictor.Predict(f.TestEdgeM, CalibratedOutput.Intersection).Data, at, f.TestEdgeM.Rows, k, j => $"ip_{j}");
        AssertClose(predictor.Predict(f.TestEdgeM, CalibratedOutput.MaximumEntropy).Data, at, f.TestEdgeM.Rows, k, j => $"maxent_{j}");
        var intervalSets = predictor.LabelSets(f.TestEdgeM);
        for (int i = 0; i < f.TestEdgeM.Rows; i++)
        {
            Assert.Equal(string.Join("|", Enumerable.Range(0, k).Where(j => intervalSets[(i * k) + j])), at.Text(i, "set"));
        }

        // Evaluate: JSON numbers equal the Metrics classes'.
        string json = _dir[$"report{k}.json"];
        run = CliRun.Invoke("evaluate", "--calibration", cal, "--edge", f.TestEdge, "--cloud", f.TestCloud, "--labels", f.TestLabels, "--json", json);
        AssertOk(run);
        Assert.Contains("cdci-intersection", run.Stdout);
        using var doc = JsonDocument.Parse(File.ReadAllBytes(json));
        var root = doc.RootElement;
        Assert.Equal(expected.Gamma, root.GetProperty("threshold").GetDouble());
        Assert.Equal(Coverage.Compute(f.TestCloudM, f.TestEdgeM, expected.Gamma, divergence), root.GetProperty("coverage").GetDouble());
        var methods = root.GetProperty("methods");
        var references = new Dictionary<string, ProbabilityMatrix>
        {
            ["edge"] = f.TestEdgeM,
            ["cloud"] = f.TestCloudM,
            ["cdci-intersection"] = predictor.Predict(f.TestEdgeM, CalibratedOutput.Intersection),
            ["cdci-maxent"] = predictor.Predict(f.TestEdgeM, CalibratedOutput.MaximumEntropy),
            ["cdci-centroid"] = predictor.Predict(f.TestEdgeM, CalibratedOutput.Centroid),
        };
        Assert.Equal(references.Keys, methods.EnumerateObject().Select(p => p.Name));
        foreach (var (name, probs) in references)
        {
            var m = methods.GetProperty(name);
            Assert.Equal(Accuracy.Compute(probs, f.Labels), m.GetProperty("accuracy").GetDouble());
            Assert.Equal(ExpectedCalibrationError.Compute(probs, f.Labels), m.GetProperty("ece").GetDouble());
            Assert.Equal(NegativeLogLikelihood.Compute(probs, f.Labels), m.GetProperty("nll").GetDouble());
            Assert.Equal(BrierScore.Compute(probs, f.Labels), m.GetProperty("brier").GetDouble());
        }

        var labelSets = root.GetProperty("labelSets");
        int n = f.TestEdgeM.Rows;
        double trueCoverage = Enumerable.Range(0, n).Count(i => intervalSets[(i * k) + f.Labels[i]]) / (double)n;
        double cloudCoverage = Enumerable.Range(0, n).Count(i => intervalSets[(i * k) + f.TestCloudM.ArgMax(i)]) / (double)n;
        double meanSize = intervalSets.Count(b => b) / (double)n;
        Assert.Equal(trueCoverage, labelSets.GetProperty("coverage").GetDouble(), 12);
        Assert.Equal(cloudCoverage, labelSets.GetProperty("cloudTop1Coverage").GetDouble(), 12);
        Assert.Equal(meanSize, labelSets.GetProperty("meanSize").GetDouble(), 12);
        if (k == 3)
        {
            double volume = predictor.VolumeFractions(f.TestEdgeM).Average(e => e.Value);
            Assert.Equal(volume, root.GetProperty("inefficiency").GetDouble(), 12);
        }
        else
        {
            Assert.Equal(JsonValueKind.Null, root.GetProperty("inefficiency").ValueKind);
        }
    }

    [Fact]
    public void Csv_and_npy_inputs_give_identical_artifacts_and_predictions()
    {
        var f = Make(4);
        string cloudNpy = _dir["cal_cloud.npy"];
        string edgeNpy = _dir["cal_edge.npy"];
        string testNpy = _dir["test_edge.npy"];
        MatrixFile.Write(cloudNpy, f.CalCloudM.Data, f.CalCloudM.Rows, 4);
        MatrixFile.Write(edgeNpy, f.CalEdgeM.Data, f.CalEdgeM.Rows, 4);
        MatrixFile.Write(testNpy, f.TestEdgeM.Data, f.TestEdgeM.Rows, 4);

        AssertOk(CliRun.Invoke("calibrate", "--cloud", f.CalCloud, "--edge", f.CalEdge, "--out", _dir["csv.json"]));
        AssertOk(CliRun.Invoke("calibrate", "--cloud", cloudNpy, "--edge", edgeNpy, "--out", _dir["npy.json"]));
        var a = CalibrationArtifact.Load(_dir["csv.json"]);
        var b = CalibrationArtifact.Load(_dir["npy.json"]);
        Assert.Equal(a.Threshold!.Gamma, b.Threshold!.Gamma);
        Assert.Equal(a.Threshold.Scores.Median, b.Threshold.Scores.Median);

        foreach (string output in new[] { "intersection", "centroid", "bounds" })
        {
            AssertOk(CliRun.Invoke("predict", "--calibration", _dir["csv.json"], "--edge", f.TestEdge, "--out", _dir[$"{output}_csv.csv"], "--output", output));
            AssertOk(CliRun.Invoke("predict", "--calibration", _dir["npy.json"], "--edge", testNpy, "--out", _dir[$"{output}_npy.npy"], "--output", output));
            var fromCsv = MatrixFile.Read(_dir[$"{output}_csv.csv"]);
            var fromNpy = MatrixFile.Read(_dir[$"{output}_npy.npy"]);
            Assert.Equal(fromCsv.Rows, fromNpy.Rows);
            Assert.Equal(fromCsv.Columns, fromNpy.Columns);
            Assert.Equal(fromCsv.Data, fromNpy.Data);
        }
    }

    [Fact]
    public void Mc_samples_option_sets_the_centroid_sample_count()
    {
        var f = Make(4, testRows: 30);
        string cal = _dir["mc.json"];
        AssertOk(CliRun.Invoke("calibrate", "--cloud", f.CalCloud, "--edge", f.CalEdge, "--out", cal));
        string path = _dir["mc.csv"];
        AssertOk(CliRun.Invoke("predict", "--calibration", cal, "--edge", f.TestEdge, "--out", path, "--output", "centroid", "--mc-samples", "100"));
        var artifact = CalibrationArtifact.Load(cal);
        var options = new CredalPredictorOptions { MonteCarlo = MonteCarloOptions.Default with { Samples = 100 } };
        var reference = new CredalPredictor(artifact.Threshold!.Divergence, artifact.Threshold.Gamma, options).Predict(f.TestEdgeM, CalibratedOutput.Centroid);
        AssertClose(reference.Data, TableFile.Read(path), f.TestEdgeM.Rows, 4, j => $"p_{j}");
        var defaults = new CredalPredictor(artifact.Threshold.Divergence, artifact.Threshold.Gamma).Predict(f.TestEdgeM, CalibratedOutput.Centroid);
        Assert.NotEqual(defaults.Data.ToArray(), reference.Data.ToArray());
    }

    [Fact]
    public void Logits_option_applies_softmax()
    {
        var f = Make(3);
        // log-probabilities plus a per-row constant are logits of the same distributions.
        var cloudLogits = f.CalCloudM.Data.ToArray().Select((p, i) => Math.Log(p) + (i / 3)).ToArray();
        var edgeLogits = f.CalEdgeM.Data.ToArray().Select(p => Math.Log(p) - 1.5).ToArray();
        string cl = _dir.WriteMatrix("cloud_logits.csv", cloudLogits, 3);
        string el = _dir.WriteMatrix("edge_logits.csv", edgeLogits, 3);
        AssertOk(CliRun.Invoke("calibrate", "--cloud", cl, "--edge", el, "--logits", "--out", _dir["logits.json"]));
        var expected = SplitConformal.Calibrate(
            MatrixFile.ReadProbabilities(cl, logits: true), MatrixFile.ReadProbabilities(el, logits: true), 0.1);
        Assert.Equal(expected.Gamma, CalibrationArtifact.Load(_dir["logits.json"]).Threshold!.Gamma);

        // Without --logits the same file is rejected as data (rows do not sum to 1).
        var run = CliRun.Invoke("calibrate", "--cloud", cl, "--edge", el, "--out", _dir["nologits.json"]);
        Assert.Equal(3, run.ExitCode);
    }

    [Fact]
    public void Renormalize_option_accepts_unnormalised_rows()
    {
        var f = Make(3);
        var scaled = f.CalEdgeM.Data.ToArray().Select(p => p * 2.0).ToArray();
        string e = _dir.WriteMatrix("edge_scaled.csv", scaled, 3);
        Assert.Equal(3, CliRun.Invoke("calibrate", "--cloud", f.CalCloud, "--edge", e, "--out", _dir["r.json"]).ExitCode);
        AssertOk(CliRun.Invoke("calibrate", "--cloud", f.CalCloud, "--edge", e, "--renormalize", "--out", _dir["r.json"]));
        var expected = SplitConformal.Calibrate(f.CalCloudM, MatrixFile.ReadProbabilities(e, renormalize: true), 0.1);
        Assert.Equal(expected.Gamma, CalibrationArtifact.Load(_dir["r.json"]).Threshold!.Gamma);
    }

    private static string[] Names(string prefix, int k) => [.. Enumerable.Range(0, k).Select(j => $"{prefix}_{j}")];

    private static string ConsoleNumber(double v) => v.ToString("R", System.Globalization.CultureInfo.InvariantCulture);

    private static void AssertClose(ReadOnlySpan<double> expected, TableFile table, int rows, int k, Func<int, string> column)
    {
        Assert.Equal(rows, table.Rows.Count);
        for (int i = 0; i < rows; i++)
        {
            for (int j = 0; j < k; j++)
            {
                double actual = table.Number(i, column(j));
                Assert.True(Math.Abs(expected[(i * k) + j] - actual) <= Tolerance, $"row {i}, {column(j)}: expected {expected[(i * k) + j]:R}, got {actual:R}");
            }
        }
    }

    [Fact]
    public void Epsilon_auto_stores_the_label_free_choice()
    {
        var f = Make(3, calRows: 200);
        string cal = _dir["cal-auto.json"];
        var run = CliRun.Invoke("calibrate", "--cloud", f.CalCloud, "--edge", f.CalEdge, "--epsilon", "auto", "--out", cal);
        AssertOk(run);
        var selection = EpsilonSelector.Select(f.CalCloudM, f.CalEdgeM, KullbackLeibler.Instance, CalibratedOutput.Intersection);
        var artifact = CalibrationArtifact.Load(cal);
        Assert.Equal(selection.Epsilon, artifact.Threshold!.Epsilon);
        Assert.Equal(selection.Threshold.Gamma, artifact.Threshold!.Gamma);
        Assert.Contains("chosen", run.Stdout);
    }

    [Fact]
    public void Divergence_auto_stores_the_label_free_joint_choice_and_respects_a_fixed_epsilon()
    {
        var f = Make(3, calRows: 200);
        string cal = _dir["cal-joint.json"];
        var run = CliRun.Invoke("calibrate", "--cloud", f.CalCloud, "--edge", f.CalEdge, "--divergence", "auto", "--epsilon", "auto", "--out", cal);
        AssertOk(run);
        var joint = ConfigurationSelector.Select(f.CalCloudM, f.CalEdgeM);
        var artifact = CalibrationArtifact.Load(cal);
        Assert.Equal(joint.Divergence.Name, artifact.Threshold!.Divergence.Name);
        Assert.Equal(joint.Epsilon, artifact.Threshold!.Epsilon);
        Assert.Equal(joint.Threshold.Gamma, artifact.Threshold!.Gamma);
        Assert.Contains("hellinger", run.Stdout);
        Assert.Contains(" *", run.Stdout);

        string fixedEps = _dir["cal-div.json"];
        run = CliRun.Invoke("calibrate", "--cloud", f.CalCloud, "--edge", f.CalEdge, "--divergence", "auto", "--epsilon", "0.2", "--out", fixedEps);
        AssertOk(run);
        var divOnly = ConfigurationSelector.Select(f.CalCloudM, f.CalEdgeM, epsilons: [0.2]);
        artifact = CalibrationArtifact.Load(fixedEps);
        Assert.Equal(0.2, artifact.Threshold!.Epsilon);
        Assert.Equal(divOnly.Divergence.Name, artifact.Threshold!.Divergence.Name);
    }
}
