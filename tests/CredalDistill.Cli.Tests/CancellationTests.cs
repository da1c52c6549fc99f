using CredalDistill.Experiments;

namespace CredalDistill.Cli.Tests;

/// <summary>
/// Ctrl-C truthfulness (docs/RELIABILITY.md): an interrupted demo or experiment stops, writes nothing (no report
/// folder, no staging folder left behind), exits with 1 and says so. Cancellation is triggered from the progress
/// callback or before the run, so no test depends on timing.
/// </summary>
public sealed class CancellationTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    private void AssertNothingWritten(string output)
    {
        Assert.False(Directory.Exists(output), $"{output} exists");
        Assert.Empty(Directory.EnumerateFileSystemEntries(_dir.Root, StagedOutput.StagingPrefix + "*"));
    }

    [Fact]
    public void Demo_cancelled_mid_run_throws_and_writes_nothing()
    {
        string output = _dir["demo"];
        using var cts = new CancellationTokenSource();
        var stages = new List<string>();
        Assert.ThrowsAny<OperationCanceledException>(() => Demo.Run(RepositoryRoot.Find(), output, 5, 0.1, "kl", (stage, _) =>
        {
            stages.Add(stage);
            if (stage.EndsWith("calibrating and evaluating", StringComparison.Ordinal))
            {
                cts.Cancel();
            }
        }, ["fmnist3"], cts.Token));
        Assert.Contains(stages, s => s.EndsWith("calibrating and evaluating", StringComparison.Ordinal));
        Assert.DoesNotContain("done", stages);
        AssertNothingWritten(output);
    }

    [Fact]
    public void Demo_cancelled_during_onnx_inference_stops_before_the_next_model()
    {
        string output = _dir["demo"];
        using var cts = new CancellationTokenSource();
        var stages = new List<string>();
        Assert.ThrowsAny<OperationCanceledException>(() => Demo.Run(RepositoryRoot.Find(), output, 5, 0.1, "kl", (stage, _) =>
        {
            stages.Add(stage);
            if (stage == "fmnist3: cloud")
            {
                cts.Cancel();
            }
        }, ["fmnist3"], cts.Token));
        Assert.DoesNotContain("fmnist3: edge", stages);
        AssertNothingWritten(output);
    }

    [Fact]
    public void Experiment_cancelled_after_its_first_split_writes_nothing()
    {
        string output = _dir["experiment"];
        var options = ExperimentOptions.Quick with { Tasks = ["fmnist3"], QuantizedBits = [] };
        using var cts = new CancellationTokenSource();
        var stages = new List<string>();
        Assert.ThrowsAny<OperationCanceledException>(() => Experiment.Run(options, RepositoryRoot.Find(), output, "test", (stage, _) =>
        {
            lock (stages)
            {
                stages.Add(stage);
            }

            if (stage.Contains(": split ", StringComparison.Ordinal))
            {
                cts.Cancel();
            }
        }, cts.Token));
        Assert.DoesNotContain(stages, s => s.EndsWith("measuring costs", StringComparison.Ordinal));
        AssertNothingWritten(output);
    }

    [Theory]
    [InlineData("demo")]
    [InlineData("experiment")]
    public void Interrupted_cli_run_exits_1_with_a_true_message_and_no_output(string command)
    {
        string output = _dir[command];
        using var cts = new CancellationTokenSource();
        cts.Cancel();
        var run = CliRun.Invoke(cts.Token, command, "--out", output);
        Assert.True(run.ExitCode == 1, run.ToString());
        Assert.Contains("interrupted; no output file was written", run.Stderr);
        AssertNothingWritten(output);
    }

    [Fact]
    public void Completed_demo_commits_every_file_and_leaves_no_staging_folder()
    {
        string output = _dir["done"];
        Demo.Run(RepositoryRoot.Find(), output, 5, 0.1, "kl", taskNames: ["fmnist3"]);
        Assert.True(File.Exists(Path.Combine(output, "report.md")));
        Assert.True(File.Exists(Path.Combine(output, "report.json")));
        Assert.NotEmpty(Directory.EnumerateFiles(Path.Combine(output, "figures"), "*.png"));
        Assert.Empty(Directory.EnumerateFileSystemEntries(_dir.Root, StagedOutput.StagingPrefix + "*"));
    }
}
