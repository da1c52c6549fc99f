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
        Assert.Equal(["edge", "ts", "vs", "ms", "distilled-ts", "distilled-vs", "distilled-ms", "laplace-kfac", "cdci-paper", "cdci-auto", "distilled-ts+cdci", "distilled-vs+cdci", "distilled-ms+cdci", "auto"], RegimeRunner.Methods.Select(m => m.Id));
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
    public void Findings_follow_the_numbers_and_their_paired_intervals()
    {
        // Edge A: raw ECE 10%, CD-CI 6% (lower), distilled TS 4%. Edge B: raw 2%, CD-CI 5% (higher), distilled TS 1.5%.
        // Each method's per-split ECE jitters by up to 0.2 points, so these gaps are far outside the paired intervals.
        var a = Fake("a", raw: 0.10, cdci: 0.06, dts: 0.04, cdciAcc: 0.80);
        var b = Fake("b", raw: 0.02, cdci: 0.05, dts: 0.015, cdciAcc: 0.80);
        var text = RegimesMarkdown.Findings([a, b]);
        Assert.Contains("ECE paired over the 8 splits", text[0], StringComparison.Ordinal);
        Assert.Contains("lower on 1, higher on 1 of 2 edges; lower on raw ECE 10.0%; higher on raw ECE 2.0%", text[0], StringComparison.Ordinal);
        Assert.Contains("it lowers ECE only on the top one (10.0%)", text[0], StringComparison.Ordinal);
        Assert.Contains("holds on 1 of 2 edges: a (10.0% -> 6.0%)", text[0], StringComparison.Ordinal);
        Assert.Contains("against `cdci-paper`: ECE lower on 2 of 2 edges.", text[0], StringComparison.Ordinal);
        Assert.Contains(text, l => l.StartsWith("Raw ECE at least 8%", StringComparison.Ordinal) && l.Contains("ECE best (distinguishably lower than every other method) by `distilled-ts` on 1", StringComparison.Ordinal));

        // CD-CI now lower than distilled TS on the overconfident edge, and it costs accuracy there.
        var a2 = Fake("a", raw: 0.10, cdci: 0.03, dts: 0.04, cdciAcc: 0.78);
        var swapped = RegimesMarkdown.Findings([a2, b]);
        Assert.Contains("within 0.5 points of the edge's on 1 of 2 edges (largest drop 2.00 points, a); paired, its accuracy is lower on 1, not distinguishable on 1 of 2 edges", swapped[0], StringComparison.Ordinal);
        Assert.Contains("holds on 0 of 2 edges.", swapped[0], StringComparison.Ordinal);
        Assert.Contains("ECE lower on 1, higher on 1 of 2 edges.", swapped[0], StringComparison.Ordinal);
        Assert.Contains(swapped, l => l.StartsWith("Raw ECE at least 8%", StringComparison.Ordinal) && l.Contains("by `cdci-paper` on 1", StringComparison.Ordinal));

        // A gap of 0.05 points is inside the split-to-split noise: no single best, both listed as tied.
        var a3 = Fake("a", raw: 0.10, cdci: 0.0405, dts: 0.04, cdciAcc: 0.80);
        var tied = RegimesMarkdown.Findings([a3, b]);
        Assert.Contains(tied, l => l.StartsWith("Raw ECE at least 8%", StringComparison.Ordinal) && l.Contains("ECE no single best on any of the 1 (methods not distinguishable from the lowest mean, leader included, edges each: `cdci-paper` 1, `distilled-ts` 1)", StringComparison.Ordinal));
        Assert.Equal("`distilled-ts` ~ `cdci-paper`", RegimeFindings.Cell(a3, RegimeRunner.Methods));
        Assert.Equal("**`distilled-ts`**", RegimeFindings.Cell(a, RegimeRunner.Methods));

        // Every edge lowered.
        var b2 = Fake("b", raw: 0.02, cdci: 0.01, dts: 0.015, cdciAcc: 0.80);
        Assert.Contains("it lowers ECE on every edge", RegimesMarkdown.Findings([a, b2])[0], StringComparison.Ordinal);
    }

    private static double[] Rows(double[] data, int width, int[] indices) =>
        [.. indices.SelectMany(i => data.AsSpan(i * width, width).ToArray())];

    private static RegimeResult Fake(string edge, double raw, double cdci, double dts, double cdciAcc)
    {
        // Eight splits; every method's ECE jitters independently by up to +-0.2 points around its mean (seeded by edge and
        // method), accuracy is constant.
        var records = new List<MethodRecord>();
        void M(MethodKey method, double ece, double acc, double coverage = double.NaN, double size = double.NaN)
        {
            var rng = new Random((edge[0] * 1000) + (method.Id.Length * 100) + method.Id[^1]);
            var jitter = Enumerable.Range(0, 8).Select(_ => (rng.NextDouble() - 0.5) * 0.004).ToArray();
            double shift = jitter.Average();
            for (int split = 0; split < 8; split++)
            {
                var r = new MethodRecord { Method = method, Split = split };
                r.Values["ece"] = ece + jitter[split] - shift;
                r.Values["accuracy"] = acc;
                if (!double.IsNaN(coverage))
                {
                    r.Values["coverage"] = coverage;
                    r.Values["set-size"] = size + jitter[split];
                    r.Values["epsilon"] = 0.1;
                }

                records.Add(r);
            }
        }

        M(RegimeRunner.Edge, raw, 0.80);
        M(RegimeRunner.Ts, raw * 0.9, 0.80);
        M(RegimeRunner.DistilledTs, dts, 0.80);
        M(RegimeRunner.LaplaceKfac, raw * 0.95, 0.80);
        M(RegimeRunner.CdciPaper, cdci, cdciAcc, 0.9, 1.5);
        M(RegimeRunner.CdciAuto, raw * 0.99, 0.80, 0.7, 1.2);
        M(RegimeRunner.TwoStage, 0.2, 0.80, 0.9, 1.4);
        return new RegimeResult { Task = "fmnist10", Edge = edge, Classes = 10, Methods = MethodSummary.ByMethod(records), Records = records, TestToFit = 0.5 };
    }
}
