using CredalDistill.Calibration;
using CredalDistill.Experiments.Data;

namespace CredalDistill.Experiments.Tests;

/// <summary>The demo on the bundled data and models (FMNIST-3 only, to stay fast).</summary>
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
    }
}
