using CredalDistill.Experiments;

namespace CredalDistill.Cli.Tests;

/// <summary>
/// Ctrl-C truthfulness of the CLI (docs/RELIABILITY.md): an interrupted demo or experiment exits with 1, says so and
/// writes nothing (the runs' own cancellation tests are in CredalDistill.Experiments.Tests).
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

}
