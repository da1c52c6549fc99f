using System.Text.Json;

namespace CredalDistill.Cli.Tests;

/// <summary><c>credal bench</c>: the JSON keys of issue 10 with finite values (no timing assertions), and usage errors.</summary>
public sealed class BenchCommandTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public void Quick_bench_writes_the_issue_keys_and_the_markdown_page()
    {
        string json = _dir["bench.json"];
        string markdown = _dir["PERFORMANCE.md"];
        string kept = Bench.BenchReport.KeptMarker + "\n\n## Fleet scale\n\n| kept | 1 |\n";
        File.WriteAllText(markdown, "# Performance\n\nold numbers\n\n" + kept);
        var run = CliRun.Invoke("bench", "--quick", "--json", json, "--markdown", markdown);
        Assert.True(run.ExitCode == 0, run.ToString());
        using var document = JsonDocument.Parse(File.ReadAllText(json));
        var root = document.RootElement;
        foreach (string key in new[] { "gridSpeedupK3", "overheadVsEdgeForward", "kl131072BoundsMs", "edgeForwardUs", "batchSpeedup" })
        {
            double value = root.GetProperty(key).GetDouble();
            Assert.True(double.IsFinite(value) && value > 0.0, $"{key} = {value}");
        }

        double allocated = root.GetProperty("allocatedBytesPerInput").GetDouble();
        Assert.True(double.IsFinite(allocated) && allocated >= 0.0, $"allocatedBytesPerInput = {allocated}");
        Assert.True(root.GetProperty("machine").GetProperty("processorCount").GetInt32() >= 1);
        Assert.Contains(root.GetProperty("measurements").EnumerateArray(), m => m.GetProperty("method").GetString() == "max-entropy" && m.GetProperty("divergence").GetString() == "hellinger");
        Assert.Contains("gridSpeedupK3", run.Stdout, StringComparison.Ordinal);
        string page = File.ReadAllText(markdown);
        Assert.Contains("bench --quick --markdown", page, StringComparison.Ordinal);
        Assert.Contains("| target | measured | met |", page, StringComparison.Ordinal);
        Assert.DoesNotContain("old numbers", page, StringComparison.Ordinal);
        Assert.EndsWith(kept, page, StringComparison.Ordinal); // the sections of other commands survive a regeneration
        Assert.Empty(root.GetProperty("endToEnd").EnumerateArray()); // --full only
    }

    [Fact]
    public void End_to_end_predict_runs_every_format_through_the_prediction_service()
    {
        var runs = Bench.BenchSuite.EndToEnd(3000, new Progress<double>(), CancellationToken.None);
        Assert.Equal(["csv", "npy", "parquet"], runs.Select(r => r.Format));
        Assert.All(runs, r => Assert.True(r.Rows == 3000 && r.Classes == 10 && r.Seconds > 0.0 && double.IsFinite(r.RowsPerSecond), r.ToString()));
    }

    [Theory]
    [InlineData("bench", "--json", "")]
    [InlineData("bench", "--json", " ")]
    [InlineData("bench", "--quick", "unexpected")]
    [InlineData("bench", "--quick", "--full")]
    [InlineData("bench", "--quick", "--no-such-option")]
    [InlineData("bench", "--root", "/no/such/folder/credal")]
    public void Bad_options_exit_with_2(params string[] args)
    {
        var run = CliRun.Invoke(args);
        Assert.True(run.ExitCode == 2, run.ToString());
    }
}
