namespace CredalDistill.Cli.Tests;

public sealed class HelpTests
{
    [Fact]
    public void Root_help_lists_the_commands()
    {
        var run = CliRun.Invoke("--help");
        Assert.Equal(0, run.ExitCode);
        Assert.Contains("calibrate", run.Stdout);
        Assert.Contains("predict", run.Stdout);
        Assert.Contains("evaluate", run.Stdout);
        Assert.Equal(string.Empty, run.Stderr);
    }

    [Fact]
    public void No_arguments_prints_help_and_is_a_usage_error()
    {
        var run = CliRun.Invoke();
        Assert.Equal(2, run.ExitCode);
        Assert.Contains("calibrate", run.Stdout);
    }

    [Fact]
    public void Calibrate_help_lists_options_with_defaults()
    {
        var run = CliRun.Invoke("calibrate", "--help");
        Assert.Equal(0, run.ExitCode);
        foreach (string option in new[] { "--cloud", "--edge", "--method", "--labels", "--ts-objective", "--epsilon", "--divergence", "--out", "--logits", "--renormalize", "--verbose", "DEFAULT" })
        {
            Assert.Contains(option, run.Stdout);
        }

        Assert.Matches(@"--epsilon <EPS>\s+0\.1", run.Stdout);
        Assert.Matches(@"--divergence <NAME>\s+kl", run.Stdout);
        Assert.Matches(@"--method <METHOD>\s+cdci", run.Stdout);
        Assert.Matches(@"--ts-objective <OBJECTIVE>\s+nll", run.Stdout);
    }

    [Fact]
    public void Predict_help_lists_options_with_defaults()
    {
        var run = CliRun.Invoke("predict", "--help");
        Assert.Equal(0, run.ExitCode);
        foreach (string option in new[] { "--calibration", "--edge", "--out", "--output", "--label-rule", "--logits", "--renormalize" })
        {
            Assert.Contains(option, run.Stdout);
        }

        Assert.Matches(@"--output <KIND>\s+What to write", run.Stdout);
        Assert.Contains("the artifact's output", run.Stdout);
        Assert.Matches(@"--label-rule <RULE>\s+interval", run.Stdout);
        Assert.Matches(@"--mc-samples <N>\s+2000", run.Stdout);
    }

    [Fact]
    public void Evaluate_help_lists_options()
    {
        var run = CliRun.Invoke("evaluate", "--help");
        Assert.Equal(0, run.ExitCode);
        foreach (string option in new[] { "--calibration", "--edge", "--cloud", "--labels", "--json" })
        {
            Assert.Contains(option, run.Stdout);
        }
    }
}
