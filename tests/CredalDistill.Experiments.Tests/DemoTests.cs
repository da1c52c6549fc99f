using CredalDistill.Calibration;
using CredalDistill.Experiments.Data;

namespace CredalDistill.Experiments.Tests;

/// <summary>The demo on the bundled data and models (FMNIST-3 only, and the text task alone, to stay fast).</summary>
public sealed class DemoTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("credal-demo-tests-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void Demo_is_reproducible_with_its_seed_and_writes_a_report()
    {
        string root = Path.GetDirectoryName(FashionMnist.FindDataDirectory())!;
        var a = Demo.Run(root, Path.Combine(_dir, "a"), seed: 5, epsilon: 0.1, divergence: "kl", taskNames: ["fmnist3"]);
        var b = Demo.Run(root, Path.Combine(_dir, "b"), seed: 5, epsilon: 0.1, divergence: "kl", taskNames: ["fmnist3"]);
        var c = Demo.Run(root, Path.Combine(_dir, "c"), seed: 6, epsilon: 0.1, divergence: "kl", taskNames: ["fmnist3"]);
        // The report's table rows (not the measured latencies in the headings) are identical for the same seed.
        string Table(string dir) => string.Join('\n', File.ReadAllLines(Path.Combine(dir, "report.md")).Where(l => l.StartsWith("| ", StringComparison.Ordinal)));
        Assert.Equal(Table(Path.Combine(_dir, "a")), Table(Path.Combine(_dir, "b")));
        Assert.NotEqual(Table(Path.Combine(_dir, "a")), Table(Path.Combine(_dir, "c")));

        foreach (var method in Demo.Rows("kl", 0.1))
        {
            var ma = a[0].Task[method];
            var mb = b[0].Task[method];
            Assert.NotNull(ma);
            Assert.Equal(ma!.Mean("ece"), mb!.Mean("ece"));
            Assert.Equal(ma.Mean("accuracy"), mb.Mean("accuracy"));
        }

        Assert.NotEqual(a[0].Task[MethodKey.Edge]!.Mean("ece"), c[0].Task[MethodKey.Edge]!.Mean("ece"));
        Assert.True(File.Exists(Path.Combine(Path.Combine(_dir, "a"), "report.json")));
        Assert.True(File.Exists(Path.Combine(Path.Combine(_dir, "a"), "figures", "simplex-fmnist3-kl.png")));
        double coverage = a[0].Task[MethodKey.Cdci("kl", 0.1, CalibratedOutput.Intersection)]!.Mean("coverage");
        Assert.InRange(coverage, 0.85, 1.0);
        AssertLeadsWithAuto(a[0], Path.Combine(_dir, "a"));
    }

    /// <summary>
    /// Issue 22: the demo leads with what <c>--method auto</c> picks and gains, then the paper's default as the reproduction
    /// row, then the sets and their guarantee; every number is this run's (the auto evaluation is on the same test set as
    /// the table: its edge ECE is the table's).
    /// </summary>
    private static void AssertLeadsWithAuto(DemoTask demo, string dir)
    {
        var auto = demo.Auto!;
        double edgeEce = demo.Task[MethodKey.Edge]!.Mean("ece");
        Assert.Equal(edgeEce, auto.EdgeEce, 12);
        Assert.Equal(1000, auto.CalibrationRows);
        Assert.InRange(auto.Eligible, 1, auto.Candidates);
        var lead = Demo.Lead(demo, demo.Overconfident, "kl", 0.1);
        Assert.Equal(3, lead.Count);
        Assert.StartsWith("1. Use `credal calibrate --method auto`", lead[0], StringComparison.Ordinal);
        Assert.Contains($"ECE {100 * auto.EdgeEce:F2}% -> {100 * auto.Ece:F2}%", lead[0], StringComparison.Ordinal);
        Assert.StartsWith("2. The paper's default (reproduction row)", lead[1], StringComparison.Ordinal);
        double paperEce = demo.Task[MethodKey.Cdci("kl", 0.1, CalibratedOutput.Intersection)]!.Mean("ece");
        Assert.Contains($"{(paperEce < edgeEce ? "lowers" : "raises")} ECE here, {100 * edgeEce:F2}% -> {100 * paperEce:F2}%", lead[1], StringComparison.Ordinal);
        Assert.StartsWith("3. The credal sets and their guarantee", lead[2], StringComparison.Ordinal);
        string report = File.ReadAllText(Path.Combine(dir, "report.md"));
        Assert.True(report.IndexOf(lead[0], StringComparison.Ordinal) < report.IndexOf("| method |", StringComparison.Ordinal), "the lead comes before the table");
    }

    /// <summary>Issue 24: the demo's text part (the fortunes task alone here, to stay fast) runs like the image part and says what its inputs are.</summary>
    [Fact]
    public void Demo_runs_the_text_task_and_reports_texts()
    {
        string root = Path.GetDirectoryName(FortunesTopics.FindDataDirectory())!;
        string dir = Path.Combine(_dir, "text");
        var demo = Assert.Single(Demo.Run(root, dir, seed: 5, epsilon: 0.1, divergence: "kl", taskNames: ["fortunes"]));
        Assert.Equal("fortunes", demo.Task.Task);
        Assert.Equal("text", demo.Task.Modality);
        Assert.Equal(12, demo.Task.Classes);
        Assert.Equal(1695, demo.Task.TestInputs);
        Assert.InRange(demo.Task[MethodKey.Edge]!.Mean("accuracy"), 0.44, 0.54);
        Assert.InRange(demo.Task[MethodKey.Cloud]!.Mean("accuracy"), 0.52, 0.62);
        Assert.True(demo.EdgeMicroseconds > 0);

        // The overconfident edge is taken from the first task's modality: here a text edge.
        Assert.StartsWith("fortunes-edge-", demo.Overconfident!.Edge, StringComparison.Ordinal);
        AssertLeadsWithAuto(demo, dir);
        string report = File.ReadAllText(Path.Combine(dir, "report.md"));
        Assert.Contains("## fortunes: texts (K = 12, 1695 test inputs; edge ", report, StringComparison.Ordinal);
        Assert.Contains("Every method on the test texts:", report, StringComparison.Ordinal);
        Assert.Contains("unlabeled calibration texts", Demo.Lead(demo, demo.Overconfident, "kl", 0.1)[0], StringComparison.Ordinal);
        Assert.True(File.Exists(Path.Combine(dir, "figures", "reliability-fortunes-edge.png")));
        Assert.Empty(Directory.EnumerateFiles(Path.Combine(dir, "figures"), "simplex-*"));
    }

    [Theory]
    [InlineData(1, 7UL, "seed 7")]
    [InlineData(50, 1UL, "seed 1, first of 50 splits")]
    public void Figure_titles_name_the_seed_of_the_run(int splits, ulong seed, string expected)
        => Assert.Equal(expected, ExperimentFigures.SplitName(new ExperimentOptions { Splits = splits, Seed = seed }));
}
