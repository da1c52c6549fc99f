namespace CredalDistill.Cli.Tests;

/// <summary>Issue 22: data errors say what to do on the command line (exit 3 either way).</summary>
public sealed class ErrorHintTests : IDisposable
{
    private readonly TempDirectory _dir = new();
    private readonly string _ok;

    public ErrorHintTests()
    {
        _ok = _dir["ok.csv"];
        File.WriteAllText(_ok, "0.2,0.3,0.5\n0.1,0.1,0.8\n0.6,0.3,0.1\n");
    }

    public void Dispose() => _dir.Dispose();

    /// <summary>stderr with the console's line wrapping undone.</summary>
    private static string Flat(CliRun run) => run.Stderr.Replace("\n", " ", StringComparison.Ordinal);

    private CliRun Calibrate(string cloudText, string? edgeText = null)
    {
        File.WriteAllText(_dir["cloud.csv"], cloudText);
        string edge = _ok;
        if (edgeText is not null)
        {
            edge = _dir["edge.csv"];
            File.WriteAllText(edge, edgeText);
        }

        return CliRun.Invoke("calibrate", "--cloud", _dir["cloud.csv"], "--edge", edge, "--out", _dir["c.json"]);
    }

    [Fact]
    public void Rows_that_do_not_sum_to_1_name_renormalize_and_logits()
    {
        var run = Calibrate("0.2,0.3,0.6\n0.1,0.1,0.8\n0.6,0.3,0.1\n");
        Assert.Equal(3, run.ExitCode);
        Assert.Contains("cloud.csv line 1: probabilities sum to 1.1", Flat(run));
        Assert.Contains("--renormalize", Flat(run));
        Assert.Contains("--logits", Flat(run));
    }

    [Theory]
    [InlineData("0,1,2\n")]
    public void A_header_of_class_indices_is_recognised(string header)
    {
        var run = Calibrate(header + "0.2,0.3,0.5\n0.1,0.1,0.8\n0.6,0.3,0.1\n");
        Assert.Equal(3, run.ExitCode);
        Assert.Contains("looks like a header of class indices", Flat(run));
        Assert.DoesNotContain("--renormalize", Flat(run));
    }

    [Theory]
    [InlineData(';')]
    [InlineData('\t')]
    public void A_file_with_another_delimiter_says_the_delimiter_looks_wrong(char delimiter)
    {
        string text = "0.2,0.3,0.5\n0.1,0.1,0.8\n0.6,0.3,0.1\n".Replace(',', delimiter);
        foreach (var run in new[] { Calibrate(text), Calibrate("0.2,0.3,0.5\n0.1,0.1,0.8\n0.6,0.3,0.1\n", text) })
        {
            Assert.Equal(3, run.ExitCode);
            Assert.Contains("the delimiter looks wrong", Flat(run));
            Assert.Contains("comma-separated", Flat(run));
        }
    }

    [Fact]
    public void A_pairs_file_of_the_wrong_width_states_the_layout()
    {
        Assert.Equal(0, CliRun.Invoke("calibrate", "--cloud", _ok, "--edge", _ok, "--epsilon", "0.5", "--out", _dir["c.json"]).ExitCode);
        var run = CliRun.Invoke("monitor", "--calibration", _dir["c.json"], "--pairs", _ok);
        Assert.Equal(3, run.ExitCode);
        Assert.Contains("3 columns, expected 6", Flat(run));
        Assert.Contains("the cloud's 3 outputs then the edge's 3 outputs", Flat(run));
    }

    [Theory]
    [InlineData("0,1,2", true)]
    [InlineData("0, 1, 2, 3", true)]
    [InlineData("0,1", true)]
    [InlineData("1,2,3", false)]
    [InlineData("0,2,1", false)]
    [InlineData("0", false)]
    [InlineData("0.2,0.3,0.5", false)]
    public void Class_index_rows(string line, bool expected)
        => Assert.Equal(expected, Services.DataErrorHints.IsClassIndexRow(line));
}
