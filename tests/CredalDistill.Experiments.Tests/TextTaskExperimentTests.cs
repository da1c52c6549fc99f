using System.Text.Json;
using CredalDistill.Calibration;
using CredalDistill.Experiments.Data;
using CredalDistill.Metrics;

namespace CredalDistill.Experiments.Tests;

/// <summary>
/// Issue 24 item 3: the text task (fortunes topics) runs through the experiments' protocol exactly like the image tasks,
/// from the real bundled text models' outputs (loaded once), in a small configuration.
/// </summary>
public sealed class TextTaskExperimentTests
{
    private static readonly ExperimentOptions Small = new()
    {
        Splits = 2,
        CalibrationSize = 1000,
        LabeledSize = 1000,
        Epsilons = [0.1],
        Divergences = ["kl"],
        QuantizedBits = [2, 4, 8],
        HeavySplits = 1,
        HeavyTestRows = 100,
        MonteCarloTestRows = 20,
        CentroidSamples = 50,
        Seed = 11,
        RegimeEdgesPerTask = 2,
    };

    private static readonly Lazy<TaskOutputs> Text = new(() => TaskOutputs.Load(FortunesTopicsTask.Instance, Root, Small.QuantizedBits));

    private static string Root => Path.GetDirectoryName(FortunesTopics.FindDataDirectory())!;

    [Fact]
    public void Tasks_are_found_by_name_and_every_default_includes_the_text_task()
    {
        Assert.Same(FortunesTopicsTask.Instance, ExperimentTasks.Parse("Fortunes"));
        Assert.Same(FashionMnistTask.Fmnist3, ExperimentTasks.Parse("fmnist-3"));
        Assert.Throws<ArgumentException>(() => ExperimentTasks.Parse("snli"));
        Assert.Equal(["fmnist3", "fmnist10", "fortunes"], ExperimentTasks.All.Select(t => t.Name));
        Assert.Equal(["fmnist3", "fmnist10", "fortunes"], new ExperimentOptions().Tasks);
        Assert.Equal(["fmnist3", "fmnist10", "fortunes"], ExperimentOptions.Quick.Tasks);
        Assert.Equal(["fmnist3", "fmnist10", "fortunes"], Demo.DefaultTasks);
        Assert.Equal("Fortunes topics (text, K = 12)", ExperimentTasks.Title("fortunes"));
        Assert.Equal("FMNIST-10 (K = 10)", ExperimentTasks.Title("fmnist10"));
        Assert.Equal("text", ExperimentTasks.Noun("fortunes"));
        Assert.Equal("image", ExperimentTasks.Noun("fmnist3"));
        Assert.Equal(TaskModality.Text, FortunesTopicsTask.Instance.Modality);
        Assert.Equal(FortunesTopics.Topics, FortunesTopicsTask.Instance.ClassNames);
    }

    [Fact]
    public void The_text_task_loads_its_models_outputs_like_an_image_task()
    {
        var text = Text.Value;
        Assert.Equal(3695, text.Count);
        Assert.Equal(12, text.Classes);
        Assert.Equal(text.Count * 12, text.EdgeLogits.Length);
        Assert.Equal(text.Count * text.LastLayer.Features, text.EdgeFeatures.Length);
        Assert.Equal(12, text.LastLayer.Classes);

        // Requested bit widths the task has no quantized edge for (8) are skipped.
        Assert.Equal([2, 4], text.Quantized.Keys.Order());
        Assert.True(text.EdgeMicroseconds > 0 && text.CloudMicroseconds > 0);

        // models/metrics.json records the test accuracies: edge 48.69 %, cloud 56.78 % (models/README.md).
        Assert.Equal(0.4869, Accuracy.Compute(text.Edge, text.Labels), 3);
        Assert.Equal(0.5678, Accuracy.Compute(text.Cloud, text.Labels), 3);

        // The shift studies are image-only.
        Assert.Throws<NotSupportedException>(() => text.Shifted(Root, ImageShift.Defaults[0], 1));
    }

    [Fact]
    public void Every_method_runs_on_the_text_task_and_the_results_get_a_text_section()
    {
        var text = Text.Value;
        var runner = new ExperimentRunner(Small);
        var records = runner.Run(text);
        int testSize = 3695 - 1000 - 1000;
        var methods = MethodSummary.ByMethod(records);
        foreach (var key in new[] { MethodKey.Edge, MethodKey.Cloud, MethodKey.DistilledTs, ResultsMarkdown.PaperDefault, MethodKey.QuantizedEdge(2), MethodKey.QuantizedEdge(4), ExperimentRunner.QuantizedCdci(2) })
        {
            Assert.True(methods.ContainsKey(key), key.Id);
            Assert.Equal(Small.Splits, methods[key].Metrics["ece"].Count);
        }

        Assert.Equal(testSize, methods[MethodKey.Edge].Mean("test-inputs"));
        Assert.InRange(methods[ResultsMarkdown.PaperDefault].Mean("coverage"), 0.8, 1.0);

        var result = new TaskResult
        {
            Task = text.Task.Name,
            Classes = text.Classes,
            Inputs = text.Count,
            TestInputs = testSize,
            Methods = methods,
            CostMicroseconds = new Dictionary<string, double> { [CostProbe.EdgeModel] = text.EdgeMicroseconds, [MethodKey.Cloud.Id] = text.CloudMicroseconds },
        };
        var image = SyntheticTask.Create(FashionMnistTask.Fmnist3, 1000, seed: 4);
        var imageOptions = Small with { CalibrationSize = 300, LabeledSize = 200, QuantizedBits = [] };
        var imageResult = new TaskResult
        {
            Task = "fmnist3",
            Classes = 3,
            Inputs = 1000,
            TestInputs = 500,
            Methods = MethodSummary.ByMethod(new ExperimentRunner(imageOptions).Run(image)),
            CostMicroseconds = new Dictionary<string, double>(),
        };

        string md = ResultsMarkdown.Render(Small, [imageResult, result], "credal experiment", TimeSpan.FromMinutes(1), machine: "m");
        Assert.StartsWith("# Results: CD-CI on Fashion-MNIST images and fortunes texts", md, StringComparison.Ordinal);
        Assert.Contains("* Text: the bundled test split of the fortunes topic task", md, StringComparison.Ordinal);
        Assert.Contains("## Images and text side by side", md, StringComparison.Ordinal);
        Assert.Contains("## Fortunes topics (text, K = 12)", md, StringComparison.Ordinal);
        Assert.Contains("3695 bundled test texts; 1695 test inputs per split", md, StringComparison.Ordinal);
        string edgeEce = (100 * methods[MethodKey.Edge].Mean("ece")).ToString("F2", System.Globalization.CultureInfo.InvariantCulture);
        string cloudAcc = (100 * methods[MethodKey.Cloud].Mean("accuracy")).ToString("F2", System.Globalization.CultureInfo.InvariantCulture);
        Assert.Contains($"| fortunes | texts | 12 | ", md, StringComparison.Ordinal);
        var row = md.Split('\n').Single(l => l.StartsWith("| fortunes | texts |", StringComparison.Ordinal));
        Assert.Contains($"| {edgeEce} |", row, StringComparison.Ordinal);
        Assert.Contains($"| {cloudAcc} |", row, StringComparison.Ordinal);
        Assert.Contains("* Fortunes topics (text, K = 12): the paper default ", md, StringComparison.Ordinal);
        Assert.Contains("### Quantized edges", md[md.IndexOf("## Fortunes topics", StringComparison.Ordinal)..], StringComparison.Ordinal);

        string json = JsonSerializer.Serialize(new { tasks = new[] { result } });
        using var doc = JsonDocument.Parse(json);
        var task = doc.RootElement.GetProperty("tasks")[0];
        Assert.Equal("fortunes", task.GetProperty("Task").GetString());
        Assert.Equal("text", task.GetProperty("Modality").GetString());
        Assert.True(task.GetProperty("Methods").TryGetProperty(MethodKey.DistilledTs.Id, out _));
    }

    [Fact]
    public void The_text_edges_are_in_the_regimes_comparison()
    {
        var catalog = RegimeEdge.Catalog(Root, ["fortunes"]);
        Assert.Equal("fortunes-edge", catalog[0].Name);
        Assert.Contains(catalog, e => e.Name == "fortunes-edge-q2");
        Assert.Contains(catalog, e => e.Name == "fortunes-edge-q4");
        Assert.Equal(9, catalog.Count);

        var options = Small with { Splits = 1 };
        var results = Experiment.RunRegimes(options, Root, [Text.Value]);
        Assert.Equal(["fortunes-edge", "fortunes-edge-n2000-e100"], results.Select(r => r.Edge));
        Assert.All(results, r => Assert.Equal("fortunes", r.Task));
        Assert.All(results, r => Assert.Equal(12, r.Classes));
        Assert.True(results[1].RawEce > results[0].RawEce, "the axis edge is the more overconfident");
        foreach (var r in results)
        {
            Assert.Equal(RegimeRunner.Methods.Select(m => m.Id).Order(StringComparer.Ordinal), r.Methods.Keys.Select(m => m.Id).Order(StringComparer.Ordinal));
        }

        string md = RegimesMarkdown.Render(options, results, options.CalibrationSize, TimeSpan.FromMinutes(1));
        Assert.Contains("### Fortunes topics (text, K = 12): ECE (%) by edge", md, StringComparison.Ordinal);
        Assert.Contains("the bundled `fortunes-edge`", md, StringComparison.Ordinal);
        Assert.Contains("| fortunes-edge-n2000-e100 |", md, StringComparison.Ordinal);
    }
}
