using CredalDistill.Calibration;
using System.Text.Json;
using CredalDistill.Baselines;
using CredalDistill.Conformal;
using CredalDistill.Divergences;
using CredalDistill.Experiments.Data;
using CredalDistill.IO;
using CredalDistill.Metrics;

namespace CredalDistill.Experiments.Tests;

public sealed class RegimeRunnerTests
{
    private static readonly ExperimentOptions Small = new()
    {
        Splits = 2,
        CalibrationSize = 300,
        LabeledSize = 200,
        HeavyTestRows = 100,
        Seed = 7,
    };

    [Fact]
    public void Every_method_is_named_exactly_and_evaluated_on_the_test_set_of_the_main_split_plan()
    {
        var task = SyntheticTask.Create(FashionMnistTask.Fmnist3, 900, seed: 3);
        var runner = new RegimeRunner(Small);
        var results = runner.Run([("synthetic", task)]);
        var result = Assert.Single(results);
        Assert.Equal(["edge", "ts", "distilled-ts", "laplace-kfac", "cdci-paper", "cdci-auto", "distilled-ts+cdci"], RegimeRunner.Methods.Select(m => m.Id));
        Assert.Equal(RegimeRunner.Methods.Select(m => m.Id).Order(StringComparer.Ordinal), result.Methods.Keys.Select(m => m.Id).Order(StringComparer.Ordinal));

        var main = new ExperimentRunner(Small);
        double eceTs = 0.0;
        double accEdge = 0.0;
        double coveragePaper = 0.0;
        for (int split = 0; split < Small.Splits; split++)
        {
            var plan = main.Plan(task, split);
            Assert.Equal(plan.Test, runner.Plan(task, split).Test);
            var labels = plan.Test.Select(i => task.Labels[i]).ToArray();
            var labeled = plan.Labeled.Select(i => task.Labels[i]).ToArray();
            var labeledEdge = task.Edge.Select(plan.Labeled);
            var ts = new TemperatureScalingCalibrator().Fit(new CalibrationData(labeledEdge, labeledEdge, labeled));
            eceTs += ExpectedCalibrationError.Compute(ts.Calibrate(task.Edge.Select(plan.Test)), labels) / Small.Splits;
            accEdge += Accuracy.Compute(task.Edge.Select(plan.Test), labels) / Small.Splits;
            double gamma = SplitConformal.Calibrate(task.Cloud.Select(plan.Calibration), task.Edge.Select(plan.Calibration), RegimeRunner.PaperEpsilon, KullbackLeibler.Instance).Gamma;
            coveragePaper += Coverage.Compute(task.Cloud.Select(plan.Test), task.Edge.Select(plan.Test), gamma, KullbackLeibler.Instance) / Small.Splits;
        }

        Assert.Equal(eceTs, result[RegimeRunner.Ts]!.Mean("ece"), 12);
        Assert.Equal(accEdge, result[RegimeRunner.Edge]!.Mean("accuracy"), 12);
        Assert.Equal(result[RegimeRunner.Edge]!.Mean("ece"), result.RawEce);
        Assert.Equal(coveragePaper, result[RegimeRunner.CdciPaper]!.Mean("coverage"), 12);
        foreach (var set in RegimeRunner.SetMethods)
        {
            var s = result[set]!;
            Assert.InRange(s.Mean("coverage"), 0.0, 1.0);
            Assert.InRange(s.Mean("set-size"), 1.0, 3.0);
            Assert.InRange(s.Mean("inefficiency"), 0.0, 1.0);
            Assert.Equal(900 - 300 - 200, s.Metrics["test-inputs"].Mean);
        }

        Assert.False(result[RegimeRunner.Ts]!.Metrics.ContainsKey("coverage"));
    }

    [Fact]
    public void Two_stage_fits_the_temperature_on_one_half_and_the_threshold_on_the_other()
    {
        var task = SyntheticTask.Create(FashionMnistTask.Fmnist3, 900, seed: 4);
        var runner = new RegimeRunner(Small);
        var record = runner.RunSplit(task, 1).Single(r => r.Method == RegimeRunner.TwoStage);
        var plan = runner.Plan(task, 1);
        var (first, second) = MapThenCdciCalibrator.Halves(plan.Calibration.Length);
        int[] temperatureHalf = [.. first.Select(i => plan.Calibration[i])];
        int[] thresholdHalf = [.. second.Select(i => plan.Calibration[i])];

        Assert.Empty(temperatureHalf.Intersect(thresholdHalf));
        Assert.Equal(plan.Calibration.Order(), temperatureHalf.Concat(thresholdHalf).Order());
        Assert.Equal(plan.Calibration.Length / 2, temperatureHalf.Length);

        double Distilled(int[] rows) => new DistilledTemperatureCalibrator().Fit(new CalibrationData(task.Cloud.Select(rows), task.Edge.Select(rows))).Map!.Temperature;
        double t = Distilled(temperatureHalf);
        double tOther = Distilled(thresholdHalf);
        Assert.Equal(t, record.Values["temperature"]);
        Assert.NotEqual(tOther, record.Values["temperature"]);

        var tempered = CalibrationMap.FromTemperature(t, 3).Apply(task.Edge.Select(thresholdHalf));
        double gamma = SplitConformal.Calibrate(task.Cloud.Select(thresholdHalf), tempered, 0.1, KullbackLeibler.Instance).Gamma;
        Assert.Equal(gamma, record.Values["gamma"]);
        var temperedOther = CalibrationMap.FromTemperature(t, 3).Apply(task.Edge.Select(temperatureHalf));
        Assert.NotEqual(SplitConformal.Calibrate(task.Cloud.Select(temperatureHalf), temperedOther, 0.1, KullbackLeibler.Instance).Gamma, record.Values["gamma"]);

        var testTempered = CalibrationMap.FromTemperature(t, 3).Apply(task.Edge.Select(plan.Test));
        Assert.Equal(Coverage.Compute(task.Cloud.Select(plan.Test), testTempered, gamma, KullbackLeibler.Instance), record.Values["coverage"], 12);
    }

    [Fact]
    public void Json_entries_have_the_documented_shape_with_fractions()
    {
        var task = SyntheticTask.Create(FashionMnistTask.Fmnist3, 900, seed: 5);
        var result = new RegimeRunner(Small with { Splits = 1 }).Run([("synthetic", task)])[0];
        using var doc = JsonDocument.Parse(JsonSerializer.Serialize(new { regimes = new[] { result.ToJson() } }));
        var entry = Assert.Single(doc.RootElement.GetProperty("regimes").EnumerateArray());
        Assert.Equal(["task", "edge", "rawEce", "methods"], entry.EnumerateObject().Select(p => p.Name));
        Assert.Equal("fmnist3", entry.GetProperty("task").GetString());
        Assert.Equal("synthetic", entry.GetProperty("edge").GetString());
        var methods = entry.GetProperty("methods");
        Assert.Equal(RegimeRunner.Methods.Select(m => m.Id), methods.EnumerateObject().Select(p => p.Name));
        Assert.Equal(entry.GetProperty("rawEce").GetDouble(), methods.GetProperty("edge").GetProperty("ece").GetDouble());
        foreach (var method in methods.EnumerateObject())
        {
            foreach (string key in new[] { "ece", "accuracy", "brier" })
            {
                Assert.InRange(method.Value.GetProperty(key).GetDouble(), 0.0, 1.0);
            }

            Assert.True(method.Value.GetProperty("nll").GetDouble() > 0.0);
            bool set = RegimeRunner.SetMethods.Any(m => m.Id == method.Name);
            Assert.Equal(set, method.Value.TryGetProperty("coverage", out var coverage));
            Assert.Equal(set, method.Value.TryGetProperty("setSize", out _));
            if (set)
            {
                Assert.InRange(coverage.GetDouble(), 0.0, 1.0);
                Assert.InRange(method.Value.GetProperty("inefficiency").GetDouble(), 0.0, 1.0);
            }
        }
    }

    [Fact]
    public void Findings_follow_the_numbers()
    {
        // Edge A: raw ECE 10%, CD-CI 6% (lowers), distilled TS 4%. Edge B: raw 2%, CD-CI 5% (raises), distilled TS 1.5%.
        var a = Fake("a", raw: 0.10, cdci: 0.06, dts: 0.04, cdciAcc: 0.80);
        var b = Fake("b", raw: 0.02, cdci: 0.05, dts: 0.015, cdciAcc: 0.80);
        var text = RegimesMarkdown.Findings([a, b]);
        Assert.Contains("lowers mean ECE on 1 of 2 edges (raw ECE 10.0%) and raises it on 1 (raw ECE 2.0%)", text[0], StringComparison.Ordinal);
        Assert.Contains("it lowers ECE only on the top one (10.0%)", text[0], StringComparison.Ordinal);
        Assert.Contains("holds on 1 of 2 edges: a (10.0% -> 6.0%)", text[0], StringComparison.Ordinal);
        Assert.Contains(text, l => l.StartsWith("Raw ECE at least 8%", StringComparison.Ordinal) && l.Contains("lowest mean ECE by `distilled-ts` on 1", StringComparison.Ordinal));

        // Swap: CD-CI now better than distilled TS on the overconfident edge, and it costs accuracy there.
        var a2 = Fake("a", raw: 0.10, cdci: 0.03, dts: 0.04, cdciAcc: 0.78);
        var swapped = RegimesMarkdown.Findings([a2, b]);
        Assert.NotEqual(text[0], swapped[0]);
        Assert.Contains("keeps accuracy within 0.5 points on 1 of 2 edges (largest drop 2.00 points, a)", swapped[0], StringComparison.Ordinal);
        Assert.Contains("holds on 0 of 2 edges.", swapped[0], StringComparison.Ordinal);
        Assert.Contains(swapped, l => l.StartsWith("Raw ECE at least 8%", StringComparison.Ordinal) && l.Contains("lowest mean ECE by `cdci-paper` on 1", StringComparison.Ordinal));

        // Every edge lowered.
        var b2 = Fake("b", raw: 0.02, cdci: 0.01, dts: 0.015, cdciAcc: 0.80);
        Assert.Contains("it lowers ECE on every edge", RegimesMarkdown.Findings([a, b2])[0], StringComparison.Ordinal);
    }

    private static double[] Rows(double[] data, int width, int[] indices) =>
        [.. indices.SelectMany(i => data.AsSpan(i * width, width).ToArray())];

    private static RegimeResult Fake(string edge, double raw, double cdci, double dts, double cdciAcc)
    {
        MethodSummary M(MethodKey method, double ece, double acc, double coverage = double.NaN, double size = double.NaN)
        {
            var metrics = new Dictionary<string, MetricSummary> { ["ece"] = new(ece, 0.0, 1), ["accuracy"] = new(acc, 0.0, 1) };
            if (!double.IsNaN(coverage))
            {
                metrics["coverage"] = new(coverage, 0.0, 1);
                metrics["set-size"] = new(size, 0.0, 1);
                metrics["epsilon"] = new(0.1, 0.0, 1);
            }

            return new MethodSummary(method, metrics);
        }

        var methods = new[]
        {
            M(RegimeRunner.Edge, raw, 0.80),
            M(RegimeRunner.Ts, raw * 0.9, 0.80),
            M(RegimeRunner.DistilledTs, dts, 0.80),
            M(RegimeRunner.LaplaceKfac, raw * 0.95, 0.80),
            M(RegimeRunner.CdciPaper, cdci, cdciAcc, 0.9, 1.5),
            M(RegimeRunner.CdciAuto, raw * 0.99, 0.80, 0.7, 1.2),
            M(RegimeRunner.TwoStage, 0.2, 0.80, 0.9, 1.4),
        }.ToDictionary(m => m.Method);
        return new RegimeResult { Task = "fmnist10", Edge = edge, Classes = 10, Methods = methods };
    }
}
