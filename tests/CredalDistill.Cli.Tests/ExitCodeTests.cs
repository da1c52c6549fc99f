namespace CredalDistill.Cli.Tests;

public sealed class ExitCodeTests : IDisposable
{
    private readonly TempDirectory _dir = new();
    private readonly string _cloud;
    private readonly string _edge;
    private readonly string _labels;

    public ExitCodeTests()
    {
        var (cloud, edge, labels) = TempDirectory.Synthetic(60, 3, seed: 7);
        _cloud = _dir.WriteMatrix("cloud.csv", cloud, 3);
        _edge = _dir.WriteMatrix("edge.csv", edge, 3);
        _labels = _dir.WriteLabels("labels.csv", labels);
    }

    public void Dispose() => _dir.Dispose();

    private string Calibrate()
    {
        string cal = _dir["cal.json"];
        var run = CliRun.Invoke("calibrate", "--cloud", _cloud, "--edge", _edge, "--out", cal);
        Assert.True(run.ExitCode == 0, run.ToString());
        return cal;
    }

    [Theory]
    [InlineData("frobnicate")]
    [InlineData("calibrate", "--bogus")]
    [InlineData("calibrate", "--cloud", "c.csv", "--edge", "e.csv")]
    [InlineData("calibrate", "--cloud", "c.csv", "--edge", "e.csv", "--out", "o.json", "--epsilon", "1.5")]
    [InlineData("calibrate", "--cloud", "c.csv", "--edge", "e.csv", "--out", "o.json", "--epsilon", "0")]
    [InlineData("calibrate", "--cloud", "c.csv", "--edge", "e.csv", "--out", "o.json", "--epsilon", "abc")]
    [InlineData("calibrate", "--cloud", "c.csv", "--edge", "e.csv", "--out", "o.json", "--divergence", "nope")]
    [InlineData("calibrate", "--cloud", "c.txt", "--edge", "e.csv", "--out", "o.json")]
    [InlineData("predict", "--calibration", "cal.json", "--edge", "e.csv", "--out", "p.csv", "--output", "median")]
    [InlineData("predict", "--calibration", "cal.json", "--edge", "e.csv", "--out", "p.csv", "--label-rule", "strict")]
    [InlineData("predict", "--calibration", "cal.json", "--edge", "e.csv", "--out", "p.npy", "--output", "labels")]
    [InlineData("predict", "--calibration", "cal.json", "--edge", "e.csv", "--out", "p.npy", "--output", "all")]
    [InlineData("evaluate", "--calibration", "cal.json", "--edge", "e.csv", "--cloud", "c.csv")]
    [InlineData("predict", "--calibration", "cal.json", "--edge", "e.csv", "--out", "p.csv", "--mc-samples", "10")]
    [InlineData("evaluate", "--calibration", "cal.json", "--edge", "e.csv", "--cloud", "c.csv", "--labels", "y.csv", "--mc-samples", "x")]
    public void Usage_errors_exit_2_with_a_message_on_stderr(params string[] args)
    {
        var run = CliRun.Invoke(args);
        Assert.True(run.ExitCode == 2, run.ToString());
        Assert.Contains("error:", run.Stderr);
        Assert.DoesNotContain("   at ", run.Stderr);
    }

    [Fact]
    public void Epsilon_out_of_range_message_names_the_option()
    {
        var run = CliRun.Invoke("calibrate", "--cloud", _cloud, "--edge", _edge, "--out", _dir["x.json"], "--epsilon", "1.5");
        Assert.Equal(2, run.ExitCode);
        Assert.Contains("--epsilon", run.Stderr);
        Assert.False(File.Exists(_dir["x.json"]));
    }

    [Fact]
    public void Bad_value_in_csv_exits_3_naming_file_line_and_column()
    {
        var lines = File.ReadAllLines(_edge);
        lines[4] = "0.1,abc,0.9";
        File.WriteAllLines(_dir["bad.csv"], lines);
        var run = CliRun.Invoke("calibrate", "--cloud", _cloud, "--edge", _dir["bad.csv"], "--out", _dir["x.json"]);
        Assert.Equal(3, run.ExitCode);
        Assert.Contains("bad.csv line 5, column 2", run.Stderr);
        Assert.DoesNotContain("   at ", run.Stderr);
        Assert.False(File.Exists(_dir["x.json"]));
    }

    [Fact]
    public void Verbose_shows_the_exception()
    {
        var lines = File.ReadAllLines(_edge);
        lines[4] = "0.1,abc,0.9";
        File.WriteAllLines(_dir["bad.csv"], lines);
        var run = CliRun.Invoke("calibrate", "--cloud", _cloud, "--edge", _dir["bad.csv"], "--out", _dir["x.json"], "--verbose");
        Assert.Equal(3, run.ExitCode);
        Assert.Contains("DataFormatException", run.Stderr);
    }

    [Fact]
    public void Row_count_mismatch_exits_3()
    {
        var lines = File.ReadAllLines(_edge);
        File.WriteAllLines(_dir["short.csv"], lines[..30]);
        var run = CliRun.Invoke("calibrate", "--cloud", _cloud, "--edge", _dir["short.csv"], "--out", _dir["x.json"]);
        Assert.Equal(3, run.ExitCode);
        Assert.Contains("short.csv", run.Stderr);
        Assert.Contains("29 rows", run.Stderr);

        string cal = Calibrate();
        run = CliRun.Invoke("evaluate", "--calibration", cal, "--edge", _dir["short.csv"], "--cloud", _cloud, "--labels", _labels);
        Assert.Equal(3, run.ExitCode);
        Assert.Contains("rows", run.Stderr);
    }

    [Fact]
    public void Class_count_mismatch_exits_3_and_leaves_no_output_file()
    {
        string cal = Calibrate();
        File.WriteAllText(_dir["k2.csv"], "a,b\n0.5,0.5\n0.25,0.75\n");
        string output = _dir["pred.csv"];
        var run = CliRun.Invoke("predict", "--calibration", cal, "--edge", _dir["k2.csv"], "--out", output);
        Assert.Equal(3, run.ExitCode);
        Assert.Contains("k2.csv", run.Stderr);
        Assert.Contains("3 classes", run.Stderr);
        Assert.False(File.Exists(output));
        Assert.Empty(Directory.GetFiles(_dir.Root, "*.tmp"));
    }

    [Fact]
    public void Failed_run_leaves_an_existing_output_unchanged()
    {
        string cal = Calibrate();
        string output = _dir["pred.csv"];
        File.WriteAllText(output, "previous\n");
        File.WriteAllText(_dir["k2.csv"], "a,b\n0.5,0.5\n");
        var run = CliRun.Invoke("predict", "--calibration", cal, "--edge", _dir["k2.csv"], "--out", output);
        Assert.Equal(3, run.ExitCode);
        Assert.Equal("previous\n", File.ReadAllText(output));
    }

    [Fact]
    public void Tampered_artifact_is_refused_with_exit_3()
    {
        string cal = Calibrate();
        string text = File.ReadAllText(cal);
        string tampered = _dir["tampered.json"];
        File.WriteAllText(tampered, text.Replace("\"epsilon\": 0.1", "\"epsilon\": 0.2", StringComparison.Ordinal));
        Assert.NotEqual(text, File.ReadAllText(tampered));
        var run = CliRun.Invoke("predict", "--calibration", tampered, "--edge", _edge, "--out", _dir["p.csv"]);
        Assert.Equal(3, run.ExitCode);
        Assert.Contains("tampered.json", run.Stderr);
        Assert.Contains("checksum mismatch", run.Stderr);
        Assert.False(File.Exists(_dir["p.csv"]));

        run = CliRun.Invoke("evaluate", "--calibration", tampered, "--edge", _edge, "--cloud", _cloud, "--labels", _labels);
        Assert.Equal(3, run.ExitCode);
    }

    [Fact]
    public void Label_out_of_range_exits_3()
    {
        string cal = Calibrate();
        File.WriteAllText(_dir["badlabels.csv"], "label\n" + string.Join("\n", Enumerable.Repeat("5", 60)) + "\n");
        var run = CliRun.Invoke("evaluate", "--calibration", cal, "--edge", _edge, "--cloud", _cloud, "--labels", _dir["badlabels.csv"]);
        Assert.Equal(3, run.ExitCode);
        Assert.Contains("badlabels.csv", run.Stderr);
    }

    [Fact]
    public void Missing_input_file_exits_2()
    {
        var run = CliRun.Invoke("calibrate", "--cloud", _dir["missing.csv"], "--edge", _edge, "--out", _dir["x.json"]);
        Assert.Equal(2, run.ExitCode);
        Assert.Contains("--cloud", run.Stderr);
        Assert.Contains("missing.csv': no such file", run.Stderr);
        Assert.DoesNotContain("   at ", run.Stderr);
    }

    [Fact]
    public void Output_directory_missing_exits_2()
    {
        var run = CliRun.Invoke("calibrate", "--cloud", _cloud, "--edge", _edge, "--out", Path.Combine(_dir.Root, "no", "such", "dir", "cal.json"));
        Assert.Equal(2, run.ExitCode);
        Assert.Contains("--out", run.Stderr);
        Assert.Contains("does not exist", run.Stderr);
        Assert.DoesNotContain(".tmp", run.Stderr);
    }

    [Fact]
    public void Interrupted_run_exits_1_and_writes_nothing()
    {
        string cal = Calibrate();
        var (_, edge, _) = TempDirectory.Synthetic(4000, 8, seed: 5);
        var (cc, ce, _) = TempDirectory.Synthetic(50, 8, seed: 6);
        string cal8 = _dir["cal8.json"];
        Assert.Equal(0, CliRun.Invoke("calibrate", "--cloud", _dir.WriteMatrix("cc8.csv", cc, 8), "--edge", _dir.WriteMatrix("ce8.csv", ce, 8), "--out", cal8).ExitCode);
        string big = _dir.WriteMatrix("edge8.csv", edge, 8);

        using (var cancelled = new CancellationTokenSource())
        {
            cancelled.Cancel();
            var run = CliRun.Invoke(cancelled.Token, "predict", "--calibration", cal, "--edge", _edge, "--out", _dir["p.csv"]);
            Assert.Equal(1, run.ExitCode);
            Assert.False(File.Exists(_dir["p.csv"]));
        }

        // Cancelled in the middle of a long Monte Carlo centroid computation.
        using var soon = new CancellationTokenSource(TimeSpan.FromMilliseconds(300));
        var mid = CliRun.Invoke(soon.Token, "predict", "--calibration", cal8, "--edge", big, "--out", _dir["c8.csv"], "--output", "centroid");
        Assert.Equal(1, mid.ExitCode);
        Assert.Contains("interrupted", mid.Stderr);
        Assert.False(File.Exists(_dir["c8.csv"]));
        Assert.Empty(Directory.GetFiles(_dir.Root, "*.tmp"));
    }

    [Fact]
    public void Unbounded_threshold_warns_on_stderr_and_succeeds()
    {
        var (cloud, edge, _) = TempDirectory.Synthetic(5, 3, seed: 3);
        string c = _dir.WriteMatrix("c5.csv", cloud, 3);
        string e = _dir.WriteMatrix("e5.csv", edge, 3);
        var run = CliRun.Invoke("calibrate", "--cloud", c, "--edge", e, "--out", _dir["c5.json"]);
        Assert.Equal(0, run.ExitCode);
        Assert.Contains("WARNING", run.Stderr);
        Assert.Contains("unbounded", run.Stderr);
        Assert.Contains("+inf", run.Stdout);
        Assert.True(CredalDistill.IO.CalibrationArtifact.Load(_dir["c5.json"]).Threshold!.Unbounded);

        run = CliRun.Invoke("predict", "--calibration", _dir["c5.json"], "--edge", e, "--out", _dir["p5.csv"], "--output", "bounds");
        Assert.Equal(0, run.ExitCode);
        Assert.Contains("warning:", run.Stderr);
    }
}
