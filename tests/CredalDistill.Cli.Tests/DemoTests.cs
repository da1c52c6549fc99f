namespace CredalDistill.Cli.Tests;

/// <summary>The <c>demo</c> command's option checks (the demo itself: CredalDistill.Experiments.Tests).</summary>
public sealed class DemoTests
{
    [Fact]
    public void Demo_rejects_a_bad_epsilon_as_a_usage_error()
    {
        var run = CliRun.Invoke("demo", "--epsilon", "1.5");
        Assert.Equal(2, run.ExitCode);
        Assert.Contains("--epsilon", run.Stderr);
    }
}
