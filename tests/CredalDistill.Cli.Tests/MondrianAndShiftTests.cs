using System.Text.Json;
using CredalDistill.Calibration;
using CredalDistill.Conformal;
using CredalDistill.Credal;
using CredalDistill.Divergences;
using CredalDistill.IO;
using CredalDistill.Onnx.Export;
using CredalDistill.Shift;
using Google.Protobuf;

namespace CredalDistill.Cli.Tests;

/// <summary>
/// <c>calibrate --mondrian</c> and <c>calibrate --deployment-edge</c>: the artifact's per-row thresholds against the library,
/// predict and evaluate with each row's own threshold (per-class coverage recomputed here), monitor, and the refusals.
/// </summary>
public sealed class MondrianAndShiftTests : IDisposable
{
    private const int K = 4;
    private readonly TempDirectory _dir = new();
    private readonly ProbabilityMatrix _calCloud;
    private readonly ProbabilityMatrix _calEdge;
    private readonly ProbabilityMatrix _testCloud;
    private readonly ProbabilityMatrix _testEdge;
    private readonly ProbabilityMatrix _deployEdge;

    public MondrianAndShiftTests()
    {
        var (cc, ce, _) = TempDirectory.Synthetic(600, K, seed: 31);
        var (tc, te, tl) = TempDirectory.Synthetic(150, K, seed: 32);
        var (_, de, _) = TempDirectory.Synthetic(300, K, seed: 33);
        for (int i = 0; i < de.Length; i += K)
        {
            // A shifted deployment: class 0 is made more likely.
            de[i] += 0.5;
            double sum = de.AsSpan(i, K).ToArray().Sum();
            for (int k = 0; k < K; k++)
            {
                de[i + k] /= sum;
            }
        }

        _dir.WriteMatrix("cal_cloud.csv", cc, K);
        _dir.WriteMatrix("cal_edge.csv", ce, K);
        _dir.WriteMatrix("test_cloud.csv", tc, K);
        _dir.WriteMatrix("test_edge.csv", te, K);
        _dir.WriteLabels("test_labels.csv", tl);
        _dir.WriteMatrix("deploy_edge.csv", de, K);
        _calCloud = MatrixFile.ReadProbabilities(_dir["cal_cloud.csv"]);
        _calEdge = MatrixFile.ReadProbabilities(_dir["cal_edge.csv"]);
        _testCloud = MatrixFile.ReadProbabilities(_dir["test_cloud.csv"]);
        _testEdge = MatrixFile.ReadProbabilities(_dir["test_edge.csv"]);
        _deployEdge = MatrixFile.ReadProbabilities(_dir["deploy_edge.csv"]);
    }

    public void Dispose() => _dir.Dispose();

    private static void AssertOk(CliRun run) => Assert.True(run.ExitCode == 0, run.ToString());

    private CliRun Calibrate(string output, params string[] extra)
        => CliRun.Invoke([.. new[] { "calibrate", "--cloud", _dir["cal_cloud.csv"], "--edge", _dir["cal_edge.csv"], "--out", _dir[output] }, .. extra]);

    private JsonElement Evaluate(string artifact)
    {
        string json = _dir[artifact + ".eval.json"];
        AssertOk(CliRun.Invoke("evaluate", "--calibration", _dir[artifact], "--edge", _dir["test_edge.csv"], "--cloud", _dir["test_cloud.csv"], "--labels", _dir["test_labels.csv"], "--json", json));
        return JsonDocument.Parse(File.ReadAllBytes(json)).RootElement.Clone();
    }

    private void AssertBoundsUseTheRowThreshold(string artifact, Func<EdgeRow, double> gammaOf)
    {
        AssertOk(CliRun.Invoke("predict", "--calibration", _dir[artifact], "--edge", _dir["test_edge.csv"], "--out", _dir["bounds.csv"], "--output", "bounds"));
        var table = TableFile.Read(_dir["bounds.csv"]);
        var lower = new double[K];
        var upper = new double[K];
        for (int i = 0; i < _testEdge.Rows; i++)
        {
            new CredalPredictor(Divergence.KL, gammaOf(_testEdge.AsEdgeRow(i))).Bounds(_testEdge.AsEdgeRow(i), lower, upper);
            for (int k = 0; k < K; k++)
            {
                Assert.Equal(lower[k], table.Number(i, "lower_" + k), 14);
                Assert.Equal(upper[k], table.Number(i, "upper_" + k), 14);
            }
        }
    }

    [Fact]
    public void Mondrian_artifact_holds_one_threshold_per_class_and_rows_use_their_own()
    {
        AssertOk(Calibrate("m.json", "--mondrian", "--epsilon", "0.1"));
        var expected = MondrianThreshold.Calibrate(_calCloud, _calEdge, 0.1, Divergence.KL);
        var artifact = CalibrationArtifact.Load(_dir["m.json"]);
        var stored = Assert.IsType<MondrianThreshold>(artifact.Threshold!.Rows);
        using (var doc = JsonDocument.Parse(File.ReadAllBytes(_dir["m.json"])))
        {
            var thresholds = doc.RootElement.GetProperty("thresholds");
            Assert.Equal(K, thresholds.GetArrayLength());
            for (int c = 0; c < K; c++)
            {
                Assert.Equal(expected.Gamma(c), stored.Gamma(c));
                Assert.Equal(expected.Count(c), doc.RootElement.GetProperty("classCounts")[c].GetInt32());
                Assert.Equal(expected.Gamma(c), thresholds[c].ValueKind == JsonValueKind.Null ? double.PositiveInfinity : thresholds[c].GetDouble());
            }
        }

        AssertBoundsUseTheRowThreshold("m.json", expected.GammaFor);

        // evaluate: coverage with each row's own threshold, and per predicted class.
        var report = Evaluate("m.json");
        Assert.Equal("mondrian", report.GetProperty("thresholdRule").GetString());
        var scores = SplitConformal.Scores(_testCloud, _testEdge, Divergence.KL);
        var predicted = Enumerable.Range(0, _testEdge.Rows).Select(_testEdge.ArgMax).ToArray();
        Assert.Equal(Enumerable.Range(0, scores.Length).Count(i => scores[i] <= expected.Gamma(predicted[i])) / (double)scores.Length, report.GetProperty("coverage").GetDouble(), 12);
        var classes = report.GetProperty("classCoverage");
        for (int c = 0; c < K; c++)
        {
            var mine = Enumerable.Range(0, scores.Length).Where(i => predicted[i] == c).ToArray();
            Assert.Equal(mine.Length, classes[c].GetProperty("rows").GetInt64());
            Assert.Equal(expected.Count(c), classes[c].GetProperty("calibrationRows").GetInt32());
            if (mine.Length > 0)
            {
                Assert.Equal(mine.Count(i => scores[i] <= expected.Gamma(c)) / (double)mine.Length, classes[c].GetProperty("coverage").GetDouble(), 12);
            }
        }
    }

    [Fact]
    public void A_class_with_too_few_rows_is_null_in_the_artifact_with_a_warning()
    {
        // eps = 0.002 needs 499 rows per class; 600 rows over 4 classes leave at least three classes short.
        var run = Calibrate("few.json", "--mondrian", "--epsilon", "0.002");
        AssertOk(run);
        Assert.Contains("unbounded", run.Stderr, StringComparison.Ordinal);
        Assert.Contains("class", run.Stderr, StringComparison.Ordinal);
        using var doc = JsonDocument.Parse(File.ReadAllBytes(_dir["few.json"]));
        Assert.Contains(doc.RootElement.GetProperty("thresholds").EnumerateArray(), t => t.ValueKind == JsonValueKind.Null);
        AssertOk(CliRun.Invoke("predict", "--calibration", _dir["few.json"], "--edge", _dir["test_edge.csv"], "--out", _dir["few.csv"]));
    }

    [Fact]
    public void Deployment_edge_gives_the_weighted_threshold_of_each_row()
    {
        var run = Calibrate("s.json", "--deployment-edge", _dir["deploy_edge.csv"], "--epsilon", "0.1");
        AssertOk(run);
        Assert.Contains("covariate shift", run.Stdout, StringComparison.Ordinal);
        var expected = CovariateShiftThreshold.Calibrate(_calCloud, _calEdge, _deployEdge, 0.1, Divergence.KL);
        var artifact = CalibrationArtifact.Load(_dir["s.json"]);
        var stored = Assert.IsType<CovariateShiftThreshold>(artifact.Threshold!.Rows);
        Assert.Equal(expected.Ratio.Coefficients, stored.Ratio.Coefficients);
        Assert.Equal(_deployEdge.Rows, stored.DeploymentRows);
        for (int i = 0; i < _testEdge.Rows; i++)
        {
            Assert.Equal(expected.GammaFor(_testEdge.AsEdgeRow(i)), stored.GammaFor(_testEdge.AsEdgeRow(i)));
        }

        AssertBoundsUseTheRowThreshold("s.json", expected.GammaFor);
        var report = Evaluate("s.json");
        Assert.Equal("shift", report.GetProperty("thresholdRule").GetString());
        var scores = SplitConformal.Scores(_testCloud, _testEdge, Divergence.KL);
        Assert.Equal(Enumerable.Range(0, scores.Length).Count(i => scores[i] <= expected.GammaFor(_testEdge.AsEdgeRow(i))) / (double)scores.Length, report.GetProperty("coverage").GetDouble(), 12);
        Assert.Equal(_deployEdge.Rows, report.GetProperty("shift").GetProperty("deploymentRows").GetInt32());

        // The same calibrator from the library gives the same point outputs as predict.
        var fitted = new CdciCalibrator { DeploymentEdge = _deployEdge, Epsilon = 0.1 }.Fit(new CalibrationData(_calCloud, _calEdge));
        AssertOk(CliRun.Invoke("predict", "--calibration", _dir["s.json"], "--edge", _dir["test_edge.csv"], "--out", _dir["ip.csv"]));
        var ip = TableFile.Read(_dir["ip.csv"]);
        var library = fitted.Calibrate(_testEdge);
        for (int i = 0; i < _testEdge.Rows; i++)
        {
            Assert.Equal(library[i][0], ip.Number(i, "p_0"), 14);
        }
    }

    [Fact]
    public void Monitor_checks_each_pair_against_its_row_threshold_and_refuses_to_refresh_it()
    {
        AssertOk(Calibrate("m.json", "--mondrian", "--epsilon", "0.1"));
        var pairs = new double[_testEdge.Rows * 2 * K];
        for (int i = 0; i < _testEdge.Rows; i++)
        {
            _testCloud.Row(i).CopyTo(pairs.AsSpan(i * 2 * K, K));
            _testEdge.Row(i).CopyTo(pairs.AsSpan((i * 2 * K) + K, K));
        }

        string pairsPath = _dir.WriteMatrix("pairs.csv", pairs, 2 * K);
        string json = _dir["monitor.json"];
        var run = CliRun.Invoke("monitor", "--calibration", _dir["m.json"], "--pairs", pairsPath, "--json", json);
        Assert.True(run.ExitCode is 0 or 4, run.ToString());
        using (var doc = JsonDocument.Parse(File.ReadAllBytes(json)))
        {
            Assert.Equal("mondrian", doc.RootElement.GetProperty("thresholdRule").GetString());
            var expected = MondrianThreshold.Calibrate(_calCloud, _calEdge, 0.1, Divergence.KL);
            var scores = SplitConformal.Scores(_testCloud, _testEdge, Divergence.KL);
            Assert.Equal(Enumerable.Range(0, scores.Length).Count(i => scores[i] <= expected.GammaFor(_testEdge.AsEdgeRow(i))), doc.RootElement.GetProperty("covered").GetInt64());
        }

        var refresh = CliRun.Invoke("monitor", "--calibration", _dir["m.json"], "--pairs", pairsPath, "--refresh-out", _dir["r.json"]);
        Assert.Equal(2, refresh.ExitCode);
        Assert.Contains("per-row threshold", refresh.Stderr, StringComparison.Ordinal);
        Assert.False(File.Exists(_dir["r.json"]));
    }

    [Fact]
    public void Defer_decides_with_each_row_credal_set_under_its_own_threshold()
    {
        AssertOk(Calibrate("m.json", "--mondrian", "--epsilon", "0.1"));
        AssertOk(CliRun.Invoke("defer", "--calibration", _dir["m.json"], "--edge", _dir["test_edge.csv"], "--rule", "width", "--level", "0.2", "--out", _dir["d.csv"]));
        var decisions = TableFile.Read(_dir["d.csv"]);
        var deferral = new Deferral.CredalDeferral(new CredalPredictor(MondrianThreshold.Calibrate(_calCloud, _calEdge, 0.1, Divergence.KL)), Deferral.DeferralRule.TopIntervalWidth, 0.2);
        for (int i = 0; i < _testEdge.Rows; i++)
        {
            double score = deferral.Score(_testEdge.AsEdgeRow(i));
            Assert.Equal(score, decisions.Number(i, "score"), 14);
            Assert.Equal(deferral.Defer(score) ? 1.0 : 0.0, decisions.Number(i, "defer"));
        }
    }

    [Theory]
    [InlineData("--mondrian", "--method", "distilled-ts")]
    [InlineData("--mondrian", "--deployment-edge", "DEPLOY")]
    [InlineData("--deployment-edge", "DEPLOY", "--pac-delta", "0.1")]
    [InlineData("--deployment-edge", "deploy.txt")]
    public void Undefined_combinations_are_usage_errors(params string[] options)
    {
        var run = Calibrate("x.json", [.. options.Select(o => o == "DEPLOY" ? _dir["deploy_edge.csv"] : o == "deploy.txt" ? _dir["deploy.txt"] : o)]);
        Assert.Equal(2, run.ExitCode);
        Assert.False(File.Exists(_dir["x.json"]));
    }

    [Fact]
    public void A_deployment_file_with_other_classes_is_bad_data_naming_the_file()
    {
        var (_, e3, _) = TempDirectory.Synthetic(40, 3, seed: 5);
        string path = _dir.WriteMatrix("deploy3.csv", e3, 3);
        var run = Calibrate("x.json", "--deployment-edge", path);
        Assert.Equal(3, run.ExitCode);
        Assert.Contains("deploy3.csv", run.Stderr, StringComparison.Ordinal);
        Assert.False(File.Exists(_dir["x.json"]));
    }

    [Fact]
    public void Export_writes_a_mondrian_model_and_refuses_a_shift_artifact()
    {
        AssertOk(Calibrate("m.json", "--mondrian", "--epsilon", "0.1"));
        AssertOk(Calibrate("s.json", "--deployment-edge", _dir["deploy_edge.csv"]));
        string model = _dir["edge.onnx"];
        File.WriteAllBytes(model, LinearLogitsModel.Identity(K).ToByteArray());
        var run = CliRun.Invoke("export", "--model", model, "--calibration", _dir["m.json"], "--out", _dir["m.onnx"]);
        AssertOk(run);
        Assert.Contains("by predicted class (Mondrian)", run.Stdout, StringComparison.Ordinal);
        Assert.True(File.Exists(_dir["m.onnx"]));
        var refused = CliRun.Invoke("export", "--model", model, "--calibration", _dir["s.json"], "--out", _dir["s.onnx"]);
        Assert.Equal(2, refused.ExitCode);
        Assert.Contains("covariate-shift", refused.Stderr, StringComparison.Ordinal);
        Assert.False(File.Exists(_dir["s.onnx"]));
    }
}
