using Google.Protobuf;
using System.Text.Json;
using CredalDistill.Baselines;
using CredalDistill.Calibration;
using CredalDistill.Cli.Reporting;
using CredalDistill.Credal;
using CredalDistill.IO;
using CredalDistill.Metrics;

namespace CredalDistill.Cli.Tests;

/// <summary><c>calibrate --method</c> for every method, round-tripped through <c>predict</c> and <c>evaluate</c>, against the core API.</summary>
public sealed class CalibrationMethodTests : IDisposable
{
    private const int K = 3;
    private readonly TempDirectory _dir = new();
    private readonly ProbabilityMatrix _calCloud;
    private readonly ProbabilityMatrix _calEdge;
    private readonly ProbabilityMatrix _testCloud;
    private readonly ProbabilityMatrix _testEdge;
    private readonly int[] _calLabels;
    private readonly int[] _testLabels;

    public CalibrationMethodTests()
    {
        var (cc, ce, cl) = TempDirectory.Synthetic(120, K, seed: 21);
        var (tc, te, tl) = TempDirectory.Synthetic(60, K, seed: 22);
        _dir.WriteMatrix("cal_cloud.csv", cc, K);
        _dir.WriteMatrix("cal_edge.csv", ce, K);
        _dir.WriteLabels("cal_labels.csv", cl);
        _dir.WriteMatrix("test_cloud.csv", tc, K);
        _dir.WriteMatrix("test_edge.csv", te, K);
        _dir.WriteLabels("test_labels.csv", tl);
        _calCloud = MatrixFile.ReadProbabilities(_dir["cal_cloud.csv"]);
        _calEdge = MatrixFile.ReadProbabilities(_dir["cal_edge.csv"]);
        _testCloud = MatrixFile.ReadProbabilities(_dir["test_cloud.csv"]);
        _testEdge = MatrixFile.ReadProbabilities(_dir["test_edge.csv"]);
        _calLabels = cl;
        _testLabels = tl;
    }

    public void Dispose() => _dir.Dispose();

    private static void AssertOk(CliRun run) => Assert.True(run.ExitCode == 0, run.ToString());

    private CliRun Calibrate(string output, params string[] extra)
        => CliRun.Invoke([.. new[] { "calibrate", "--cloud", _dir["cal_cloud.csv"], "--edge", _dir["cal_edge.csv"], "--out", _dir[output] }, .. extra]);

    private CliRun Predict(string artifact, string output, params string[] extra)
        => CliRun.Invoke([.. new[] { "predict", "--calibration", _dir[artifact], "--edge", _dir["test_edge.csv"], "--out", _dir[output] }, .. extra]);

    private JsonElement Evaluate(string json, params string[] artifacts)
    {
        var args = new List<string> { "evaluate", "--edge", _dir["test_edge.csv"], "--cloud", _dir["test_cloud.csv"], "--labels", _dir["test_labels.csv"], "--json", _dir[json] };
        foreach (string a in artifacts)
        {
            args.AddRange(["--calibration", _dir[a]]);
        }

        var run = CliRun.Invoke([.. args]);
        AssertOk(run);
        return JsonDocument.Parse(File.ReadAllBytes(_dir[json])).RootElement.Clone();
    }

    private static void AssertMetrics(JsonElement m, ProbabilityMatrix p, int[] labels)
    {
        Assert.Equal(Accuracy.Compute(p, labels), m.GetProperty("accuracy").GetDouble());
        Assert.Equal(ExpectedCalibrationError.Compute(p, labels), m.GetProperty("ece").GetDouble());
        Assert.Equal(NegativeLogLikelihood.Compute(p, labels), m.GetProperty("nll").GetDouble());
        Assert.Equal(BrierScore.Compute(p, labels), m.GetProperty("brier").GetDouble());
    }

    [Fact]
    public void Distilled_ts_round_trips_through_predict_and_evaluate()
    {
        AssertOk(Calibrate("dts.json", "--method", "distilled-ts"));
        var artifact = CalibrationArtifact.Load(_dir["dts.json"]);
        var expected = new DistilledTemperatureCalibrator().Fit(new CalibrationData(_calCloud, _calEdge));
        Assert.Equal(("distilled-ts", CalibratedOutput.Calibrated, false), (artifact.Method, artifact.Output, artifact.HasThreshold));
        Assert.Equal((expected.Map!.Temperature, expected.Map.Objective, expected.Map.FitRows), (artifact.Map.Temperature, artifact.Map.Objective, artifact.Map.FitRows));
        Assert.Equal(MapShape.Temperature, artifact.Map.Shape);

        // predict writes the tempered edge probabilities by default.
        AssertOk(Predict("dts.json", "dts.csv"));
        var written = MatrixFile.Read(_dir["dts.csv"]);
        Assert.Equal(["p_0", "p_1", "p_2"], written.Header);
        Assert.Equal(expected.Calibrate(_testEdge).ToArray(), written.Data);

        var root = Evaluate("dts-report.json", "dts.json");
        Assert.Equal("distilled-ts", root.GetProperty("method").GetString());
        Assert.Equal(artifact.Map.Temperature, root.GetProperty("temperature").GetDouble());
        Assert.Equal(JsonValueKind.Null, root.GetProperty("threshold").ValueKind);
        Assert.Equal(JsonValueKind.Null, root.GetProperty("coverage").ValueKind);
        Assert.Equal(JsonValueKind.Null, root.GetProperty("labelSets").ValueKind);
        var methods = root.GetProperty("methods");
        Assert.Equal(["edge", "cloud", "tempered"], methods.EnumerateObject().Select(p => p.Name));
        AssertMetrics(methods.GetProperty("tempered"), expected.Calibrate(_testEdge), _testLabels);
        AssertMetrics(methods.GetProperty("edge"), _testEdge, _testLabels);
    }

    [Theory]
    [InlineData("nll", MapObjective.NegativeLogLikelihood)]
    [InlineData("ece", MapObjective.ExpectedCalibrationError)]
    public void Ts_needs_labels_and_round_trips(string objective, MapObjective expectedObjective)
    {
        var missing = Calibrate("ts.json", "--method", "ts");
        Assert.Equal(2, missing.ExitCode);
        Assert.Contains("--method ts needs --labels", missing.Stderr);
        Assert.False(File.Exists(_dir["ts.json"]));

        AssertOk(Calibrate("ts.json", "--method", "ts", "--labels", _dir["cal_labels.csv"], "--ts-objective", objective));
        var artifact = CalibrationArtifact.Load(_dir["ts.json"]);
        var expected = new TemperatureScalingCalibrator { Objective = expectedObjective }.Fit(new CalibrationData(_calCloud, _calEdge, _calLabels));
        Assert.Equal(("ts", objective), (artifact.Method, MapShapes.Name(artifact.Map.Objective!.Value)));
        Assert.Equal(expected.Map!.Temperature, artifact.Map.Temperature);

        AssertOk(Predict("ts.json", "ts.npy", "--output", "tempered"));
        Assert.Equal(expected.Calibrate(_testEdge).ToArray(), MatrixFile.Read(_dir["ts.npy"]).Data);
        var root = Evaluate("ts-report.json", "ts.json");
        AssertMetrics(root.GetProperty("methods").GetProperty("tempered"), expected.Calibrate(_testEdge), _testLabels);
    }

    [Theory]
    [InlineData("bounds")]
    [InlineData("labels")]
    [InlineData("intersection")]
    public void Asking_a_point_artifact_for_credal_outputs_is_a_usage_error(string output)
    {
        AssertOk(Calibrate("dts.json", "--method", "distilled-ts"));
        var run = Predict("dts.json", "x.csv", "--output", output);
        Assert.Equal(2, run.ExitCode);
        Assert.Contains("dts.json is a point calibration (method distilled-ts)", run.Stderr);
        Assert.Contains("use --output calibrated", run.Stderr);
        Assert.False(File.Exists(_dir["x.csv"]));
    }

    [Fact]
    public void Two_stage_records_both_stages_and_predicts_around_the_tempered_edge()
    {
        AssertOk(Calibrate("two.json", "--method", "distilled-ts+cdci", "--epsilon", "0.2", "--divergence", "hellinger"));
        var artifact = CalibrationArtifact.Load(_dir["two.json"]);
        var expected = new MapThenCdciCalibrator { Divergence = Divergences.Divergence.Parse("hellinger"), Epsilon = 0.2 }.Fit(new CalibrationData(_calCloud, _calEdge));
        Assert.Equal("distilled-ts+cdci", artifact.Method);
        Assert.Equal((expected.Map!.Temperature, expected.Map.Objective, expected.Map.FitRows), (artifact.Map.Temperature, artifact.Map.Objective, artifact.Map.FitRows));
        Assert.Equal(expected.Predictor!.Gamma, artifact.Threshold!.Gamma);
        Assert.Equal(60, artifact.N);
        Assert.Equal("fixed", artifact.Selection!.Mode);

        AssertOk(Predict("two.json", "two.csv"));
        Assert.Equal(expected.Calibrate(_testEdge).ToArray(), MatrixFile.Read(_dir["two.csv"]).Data);
        AssertOk(Predict("two.json", "all.csv", "--output", "all"));
        var sets = expected.Describe(_testEdge);
        AssertOk(Predict("two.json", "bounds.npy", "--output", "bounds"));
        var bounds = MatrixFile.Read(_dir["bounds.npy"]).Data;
        for (int i = 0; i < _testEdge.Rows; i++)
        {
            Assert.Equal(sets.Bounds.LowerRow(i).ToArray(), bounds.AsSpan(i * 2 * K, K).ToArray());
            Assert.Equal(sets.Bounds.UpperRow(i).ToArray(), bounds.AsSpan((i * 2 * K) + K, K).ToArray());
        }

        var root = Evaluate("two-report.json", "two.json");
        var centre = expected.Centre(_testEdge);
        Assert.Equal(Coverage.Compute(_testCloud, centre, expected.Predictor.Gamma, expected.Predictor.Divergence), root.GetProperty("coverage").GetDouble());
        Assert.Equal(["edge", "cloud", "tempered", "cdci-intersection", "cdci-maxent", "cdci-centroid"], root.GetProperty("methods").EnumerateObject().Select(p => p.Name));
        AssertMetrics(root.GetProperty("methods").GetProperty("cdci-intersection"), sets.Intersection, _testLabels);
    }

    [Fact]
    public void Auto_is_recorded_with_every_candidate_and_applies()
    {
        var run = Calibrate("auto.json", "--method", "auto");
        AssertOk(run);
        Assert.Contains("auto: ", run.Stdout);
        var artifact = CalibrationArtifact.Load(_dir["auto.json"]);
        var expected = new AutoCalibrator().Fit(new CalibrationData(_calCloud, _calEdge));
        Assert.Equal("auto", artifact.Method);
        var auto = artifact.Auto!;
        // distilled-ts, distilled-vs, distilled-ms; 7 divergences x 9 eps x 2 outputs; each map followed by CD-CI.
        Assert.Equal(3 + (7 * 9 * 2) + 3, auto.Candidates.Count);
        Assert.Equal(expected.Auto!.Candidates, auto.Candidates);
        Assert.Equal(auto.Candidates.Where(auto.IsEligible).Min(c => c.Score), auto.Winner.Score);
        Assert.True(artifact.HasThreshold);
        Assert.Equal(expected.Predictor!.Gamma, artifact.Threshold!.Gamma);
        Assert.Contains(auto.Winner.Method, run.Stdout);

        AssertOk(Predict("auto.json", "auto.csv"));
        Assert.Equal(expected.Calibrate(_testEdge).ToArray(), MatrixFile.Read(_dir["auto.csv"]).Data);
        AssertOk(Predict("auto.json", "labels.csv", "--output", "labels"));
        var root = Evaluate("auto-report.json", "auto.json");
        Assert.Equal("auto", root.GetProperty("method").GetString());
        Assert.Equal(JsonValueKind.Number, root.GetProperty("coverage").ValueKind);
    }

    /// <summary>
    /// Issue 22: the auto report is in one unit per column (scores in nats, agreement in percent), marks the candidates the
    /// agreement guard excluded, and says what the winner was refitted on.
    /// </summary>
    [Fact]
    public void Auto_report_uses_one_unit_per_column_marks_excluded_candidates_and_explains_the_refit()
    {
        var fitted = new AutoCalibrator().Fit(new CalibrationData(_calCloud, _calEdge));
        var choice = new AutoChoice(
            0,
            "2-fold cross-fitted mean KL(cloud || output) in nats, folds seeded with 1",
            "unused",
            [new AutoCandidate("distilled-ts", null, null, "tempered", 0.02, 0.95), new AutoCandidate("cdci", "kl", 0.5, "maxent", 0.005, 0.5)],
            0.9);
        using var text = new StringWriter();
        ConsoleReports.AutoChoice(new CliConsoles(text, text).Out, choice, fitted);
        string report = text.ToString().Replace("\n", " ", StringComparison.Ordinal);
        Assert.Contains("0.0200 nats", report, StringComparison.Ordinal);
        Assert.Contains("0.0050 nats", report, StringComparison.Ordinal);
        Assert.DoesNotContain("0.020000", report, StringComparison.Ordinal);
        Assert.Matches(@"cdci\s.*kl.*0\.5.*maxent.*0\.0050 nats.*50\.00%.*excluded: agreement below floor", report);
        Assert.Contains("auto: chose distilled-ts: the lowest score, 0.0200 nats, of the 1 eligible candidates.", report, StringComparison.Ordinal);
        Assert.Contains("1 of 2 candidates excluded: their cross-fitted top-1 agreement with the cloud is below 90.00%", report, StringComparison.Ordinal);
        Assert.Matches($"auto: refitted (the [a-z]+ map )?on all {_calCloud.Rows} rows", report);
    }

    [Fact]
    public void Cdci_with_label_free_choice_records_the_grid()
    {
        AssertOk(Calibrate("cd.json", "--epsilon", "auto", "--divergence", "auto", "--select-for", "maxent"));
        var artifact = CalibrationArtifact.Load(_dir["cd.json"]);
        var s = artifact.Selection!;
        Assert.Equal(("auto", "maxent", 7, 9, 2), (s.Mode, s.Output, s.Divergences.Count, s.Epsilons.Count, s.Folds!.Value));
        Assert.Equal(CalibratedOutput.MaximumEntropy, artifact.Output);
        Assert.Contains(artifact.Threshold!.Divergence.Name, s.Divergences);
    }

    [Fact]
    public void Evaluate_compares_three_artifacts_in_one_table()
    {
        AssertOk(Calibrate("a.json"));
        AssertOk(Calibrate("b.json", "--method", "distilled-ts"));
        AssertOk(Calibrate("c.json", "--method", "distilled-ts+cdci"));
        var args = new[] { "evaluate", "--calibration", _dir["a.json"], "--calibration", _dir["b.json"], "--calibration", _dir["c.json"], "--edge", _dir["test_edge.csv"], "--cloud", _dir["test_cloud.csv"], "--labels", _dir["test_labels.csv"], "--json", _dir["compare.json"] };
        var run = CliRun.Invoke(args);
        AssertOk(run);
        Assert.Single(run.Stdout.Split('\n'), line => line.Contains("accuracy", StringComparison.Ordinal) && line.Contains("Brier", StringComparison.Ordinal));
        foreach (string row in new[] { "a.json: cdci-intersection", "b.json: tempered", "c.json: tempered", "c.json: cdci-centroid" })
        {
            Assert.Contains(row, run.Stdout);
        }

        var root = JsonDocument.Parse(File.ReadAllBytes(_dir["compare.json"])).RootElement;
        Assert.Equal(["n", "classes", "calibrations"], root.EnumerateObject().Select(p => p.Name));
        var entries = root.GetProperty("calibrations").EnumerateArray().ToArray();
        Assert.Equal(["cdci", "distilled-ts", "distilled-ts+cdci"], entries.Select(e => e.GetProperty("method").GetString()));
        Assert.Equal(_dir["b.json"], entries[1].GetProperty("artifact").GetString());

        // Each entry equals the single-artifact report of the same file.
        var single = Evaluate("single-c.json", "c.json");
        Assert.Equal(JsonSerializer.Serialize(single.GetProperty("methods")), JsonSerializer.Serialize(entries[2].GetProperty("methods")));
        Assert.Equal(single.GetProperty("coverage").GetDouble(), entries[2].GetProperty("coverage").GetDouble());

        // One unit convention (docs/CLI.md): the console shows percent, the JSON file fractions.
        double accuracy = entries[0].GetProperty("methods").GetProperty("edge").GetProperty("accuracy").GetDouble();
        double coverage = entries[0].GetProperty("coverage").GetDouble();
        Assert.InRange(accuracy, 0.0, 1.0);
        Assert.InRange(coverage, 0.0, 1.0);
        Assert.Contains("accuracy (%)", run.Stdout, StringComparison.Ordinal);
        Assert.Contains((100 * accuracy).ToString("F2", System.Globalization.CultureInfo.InvariantCulture), run.Stdout, StringComparison.Ordinal);
        Assert.Contains((100 * coverage).ToString("F2", System.Globalization.CultureInfo.InvariantCulture) + "%", run.Stdout, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("unknown method", 2, "--method", "platt")]
    [InlineData("labels without ts", 2, "--method", "cdci", "--labels", "LABELS")]
    [InlineData("auto eps with two-stage", 2, "--method", "distilled-ts+cdci", "--epsilon", "auto")]
    [InlineData("auto divergence with auto", 2, "--method", "auto", "--divergence", "auto")]
    [InlineData("bad objective", 2, "--method", "ts", "--labels", "LABELS", "--ts-objective", "brier")]
    [InlineData("short labels", 3, "--method", "ts", "--labels", "SHORT")]
    public void Calibrate_errors_have_exit_codes(string why, int code, params string[] extra)
    {
        _dir.WriteLabels("short.csv", [0, 1, 2]);
        var args = extra.Select(a => a switch { "LABELS" => _dir["cal_labels.csv"], "SHORT" => _dir["short.csv"], _ => a }).ToArray();
        var run = Calibrate("err.json", args);
        Assert.True(code == run.ExitCode, why + ": " + run);
        Assert.False(File.Exists(_dir["err.json"]));
    }

    [Fact]
    public void Auto_on_too_few_rows_is_bad_data()
    {
        var (cc, ce, _) = TempDirectory.Synthetic(3, K, seed: 5);
        _dir.WriteMatrix("tiny_cloud.csv", cc, K);
        _dir.WriteMatrix("tiny_edge.csv", ce, K);
        var run = CliRun.Invoke("calibrate", "--cloud", _dir["tiny_cloud.csv"], "--edge", _dir["tiny_edge.csv"], "--method", "auto", "--out", _dir["tiny.json"]);
        Assert.Equal(3, run.ExitCode);
        Assert.Contains("tiny_edge.csv: auto needs at least 4 calibration rows (2-fold cross-fitting with two halves per fold); got 3", run.Stderr);
    }

    [Fact]
    public void Compared_artifacts_must_share_the_classes()
    {
        AssertOk(Calibrate("a.json"));
        var (cc, ce, _) = TempDirectory.Synthetic(50, 4, seed: 6);
        _dir.WriteMatrix("c4.csv", cc, 4);
        _dir.WriteMatrix("e4.csv", ce, 4);
        AssertOk(CliRun.Invoke("calibrate", "--cloud", _dir["c4.csv"], "--edge", _dir["e4.csv"], "--out", _dir["four.json"]));
        var run = CliRun.Invoke("evaluate", "--calibration", _dir["a.json"], "--calibration", _dir["four.json"], "--edge", _dir["test_edge.csv"], "--cloud", _dir["test_cloud.csv"], "--labels", _dir["test_labels.csv"]);
        Assert.Equal(3, run.ExitCode);
        Assert.Contains("four.json: is for 4 classes, but a.json is for 3", run.Stderr);
    }

    [Fact]
    public void Export_takes_map_artifacts_and_refuses_what_has_no_onnx_form()
    {
        File.WriteAllBytes(_dir["edge.onnx"], Onnx.Export.LinearLogitsModel.Identity(K).ToByteArray());
        AssertOk(Calibrate("two.json", "--method", "distilled-ts+cdci"));
        var run = CliRun.Invoke("export", "--model", _dir["edge.onnx"], "--calibration", _dir["two.json"], "--out", _dir["out.onnx"]);
        AssertOk(run);
        Assert.Contains("distilled-ts+cdci, map temperature", run.Stdout);
        AssertOk(Calibrate("dts.json", "--method", "distilled-ts"));
        AssertOk(CliRun.Invoke("export", "--model", _dir["edge.onnx"], "--calibration", _dir["dts.json"], "--out", _dir["dts.onnx"]));

        // A point calibration has no bounds; the centroid has no ONNX form: one refusal rule, reported as a usage error.
        var point = CliRun.Invoke("export", "--model", _dir["edge.onnx"], "--calibration", _dir["dts.json"], "--output", "intersection", "--out", _dir["x.onnx"]);
        Assert.Equal(2, point.ExitCode);
        Assert.Contains("dts.json (method distilled-ts): the distilled-ts artifact is a point calibration", point.Stderr);
        AssertOk(Calibrate("centroid.json", "--select-for", "centroid"));
        var centroid = CliRun.Invoke("export", "--model", _dir["edge.onnx"], "--calibration", _dir["centroid.json"], "--out", _dir["y.onnx"]);
        Assert.Equal(2, centroid.ExitCode);
        Assert.Contains("the output 'centroid' has no ONNX form", centroid.Stderr);
        Assert.False(File.Exists(_dir["x.onnx"]) || File.Exists(_dir["y.onnx"]));
    }
}
