using CredalDistill.Experiments.Data;

namespace CredalDistill.Experiments.Tests;

/// <summary>
/// Ctrl-C truthfulness (docs/RELIABILITY.md): an interrupted demo or experiment stops and writes nothing (no report
/// folder, no staging folder left behind). Cancellation is triggered from the progress callback, so no test depends on timing.
/// </summary>
public sealed class CancellationTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("credal-experiments-tests-").FullName;

    /// <summary>The repository folder (holding data/ and models/).</summary>
    private static string Root => Path.GetDirectoryName(FashionMnist.FindDataDirectory())!;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private void AssertNothingWritten(string output)
    {
        Assert.False(Directory.Exists(output), $"{output} exists");
        Assert.Empty(Directory.EnumerateFileSystemEntries(_dir, StagedOutput.StagingPrefix + "*"));
    }

    [Fact]
    public void Demo_cancelled_mid_run_throws_and_writes_nothing()
    {
        string output = Path.Combine(_dir, "demo");
        using var cts = new CancellationTokenSource();
        var stages = new List<string>();
        Assert.ThrowsAny<OperationCanceledException>(() => Demo.Run(Root, output, 5, 0.1, "kl", (stage, _) =>
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
        string output = Path.Combine(_dir, "demo");
        using var cts = new CancellationTokenSource();
        var stages = new List<string>();
        Assert.ThrowsAny<OperationCanceledException>(() => Demo.Run(Root, output, 5, 0.1, "kl", (stage, _) =>
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
        string output = Path.Combine(_dir, "experiment");
        var options = ExperimentOptions.Quick with { Tasks = ["fmnist3"], QuantizedBits = [] };
        using var cts = new CancellationTokenSource();
        var stages = new List<string>();
        Assert.ThrowsAny<OperationCanceledException>(() => Experiment.Run(options, Root, output, "test", (stage, _) =>
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

    [Fact]
    public void Completed_demo_commits_every_file_and_leaves_no_staging_folder()
    {
        string output = Path.Combine(_dir, "done");
        Demo.Run(Root, output, 5, 0.1, "kl", taskNames: ["fmnist3"]);
        Assert.True(File.Exists(Path.Combine(output, "report.md")));
        Assert.True(File.Exists(Path.Combine(output, "report.json")));
        Assert.NotEmpty(Directory.EnumerateFiles(Path.Combine(output, "figures"), "*.png"));
        Assert.Empty(Directory.EnumerateFileSystemEntries(_dir, StagedOutput.StagingPrefix + "*"));
    }
}
