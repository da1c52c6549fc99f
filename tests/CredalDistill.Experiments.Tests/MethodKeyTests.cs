using CredalDistill.Calibration;
using System.Text.Json;
using CredalDistill.Baselines;

namespace CredalDistill.Experiments.Tests;

public sealed class MethodKeyTests
{
    public static TheoryData<MethodKey, string, string> Published => new()
    {
        { MethodKey.Edge, "edge", "Edge as is" },
        { MethodKey.EdgePrefix(200), "edge/first-200", "Edge as is (first 200 test inputs)" },
        { MethodKey.QuantizedEdge(4), "q4/edge", "4-bit edge as is" },
        { MethodKey.Cloud, "cloud", "Cloud as is" },
        { MethodKey.CloudTs(MapObjective.ExpectedCalibrationError), "cloud-ts-ece", "Cloud + TS (ECE grid, labels)" },
        { MethodKey.EdgeTs(MapObjective.NegativeLogLikelihood), "edge-ts-nll", "Edge + TS (NLL, labels)" },
        { MethodKey.DistilledTs, "distilled-ts", "Edge + distilled TS (no labels)" },
        { MethodKey.LastLayerLaplace(LastLayerLaplaceKind.Full), "laplace-full", "Edge + last-layer Laplace (full GGN)" },
        { MethodKey.Cdci("alpha:0.9", 0.05, CalibratedOutput.MaximumEntropy), "cdci/alpha:0.9/0.05/maxent", "CD-CI alpha:0.9, eps 0.05, max-entropy" },
        { MethodKey.Cdci("kl", 0.1, CalibratedOutput.LabelSet), "cdci/kl/0.1/maximality", "CD-CI kl, eps 0.1, maximality" },
        { ExperimentRunner.QuantizedCdci(8), "q8/cdci/kl/0.1/intersection", "8-bit edge + CD-CI kl, eps 0.1, IP" },
        { ExperimentRunner.EpsilonAuto, "cdci-auto/kl/intersection", "CD-CI KL, eps auto (label-free), IP" },
        { ExperimentRunner.JointAuto, "cdci-auto/joint/intersection", "CD-CI divergence + eps auto (label-free), IP" },
        { RegimeRunner.Ts, "ts", "Edge + TS (NLL, labels)" },
        { RegimeRunner.CdciPaper, "cdci-paper", "CD-CI kl, eps 0.1, IP" },
        { RegimeRunner.CdciAuto, "cdci-auto", "CD-CI divergence + eps auto (label-free), IP" },
        { RegimeRunner.TwoStage, "distilled-ts+cdci", "Distilled TS + CD-CI kl, eps 0.1, IP" },
    };

    [Theory]
    [MemberData(nameof(Published))]
    public void Ids_and_display_names_are_the_published_ones(MethodKey key, string id, string display)
    {
        Assert.Equal(id, key.Id);
        Assert.Equal(display, key.Display);
    }

    [Fact]
    public void Keys_with_the_same_fields_are_equal_and_eps_tells_settings_apart()
    {
        Assert.Equal(MethodKey.Cdci("kl", 0.1, CalibratedOutput.Intersection), ResultsMarkdown.PaperDefault);
        Assert.NotEqual(MethodKey.Cdci("kl", 0.2, CalibratedOutput.Intersection), ResultsMarkdown.PaperDefault);
        Assert.NotEqual(ExperimentRunner.QuantizedCdci(4), ExperimentRunner.QuantizedCdci(null));
        Assert.Equal(ResultsMarkdown.PaperDefault, ExperimentRunner.QuantizedCdci(null));
    }

    [Fact]
    public void Cost_families_are_the_keys_of_the_cost_table()
    {
        Assert.Equal("cdci/chi2/centroid", MethodKey.Cdci("chi2", 0.3, CalibratedOutput.Centroid).CostFamily.Id);
        Assert.Equal("edge-ts", MethodKey.EdgeTs(MapObjective.ExpectedCalibrationError).CostFamily.Id);
        Assert.Equal("edge-ts", MethodKey.DistilledTs.CostFamily.Id);
        Assert.Equal("cloud", MethodKey.CloudTs(MapObjective.NegativeLogLikelihood).CostFamily.Id);
        Assert.Equal("cdci/kl/intersection", MethodKey.CdciAuto(null).CostFamily.Id);
        Assert.Equal("laplace-kfac", RegimeRunner.LaplaceKfac.CostFamily.Id);
        var task = new TaskResult
        {
            Task = "t", Classes = 3, Inputs = 10, TestInputs = 5, Methods = new Dictionary<MethodKey, MethodSummary>(),
            CostMicroseconds = new Dictionary<string, double> { ["cdci/kl/maxent"] = 2.5 },
        };
        Assert.Equal(2.5, task.CostOf(MethodKey.Cdci("kl", 0.05, CalibratedOutput.MaximumEntropy)));
        Assert.True(double.IsNaN(task.CostOf(MethodKey.Cdci("kl", 0.05, CalibratedOutput.Centroid))));
    }

    [Fact]
    public void Results_json_keeps_methods_keyed_by_id_with_the_id_as_method_field()
    {
        var record = new MethodRecord { Method = MethodKey.Cdci("tv", 0.2, CalibratedOutput.Intersection), Split = 0 };
        record.Values["ece"] = 0.05;
        var task = new TaskResult
        {
            Task = "t", Classes = 3, Inputs = 10, TestInputs = 5, Methods = MethodSummary.ByMethod([record]),
            CostMicroseconds = new Dictionary<string, double>(),
        };
        using var doc = JsonDocument.Parse(JsonSerializer.Serialize(task));
        var methods = doc.RootElement.GetProperty("Methods");
        var entry = methods.GetProperty("cdci/tv/0.2/intersection");
        Assert.Equal(["Method", "Metrics"], entry.EnumerateObject().Select(p => p.Name));
        Assert.Equal("cdci/tv/0.2/intersection", entry.GetProperty("Method").GetString());
        Assert.Equal(0.05, entry.GetProperty("Metrics").GetProperty("ece").GetProperty("Mean").GetDouble());
        Assert.Equal(["Task", "Modality", "Classes", "Inputs", "TestInputs", "Methods", "CostMicroseconds"], doc.RootElement.EnumerateObject().Select(p => p.Name));
        Assert.Equal("input", doc.RootElement.GetProperty("Modality").GetString());
    }
}
