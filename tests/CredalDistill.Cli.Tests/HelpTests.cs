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
        Assert.Matches(@"Default: the artifact's\s+output", run.Stdout);
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

/// <summary>
/// Every help text renders (issue 22: <c>defer --help</c> threw because a description with "[0, 1]" was read as
/// markup), lists required options first, and leaves out options a command rejects.
/// </summary>
public sealed class EveryHelpTests
{
    /// <summary>The command names listed by <c>credal --help</c>, so a new command is covered without editing this test.</summary>
    public static TheoryData<string> Commands()
    {
        var run = CliRun.Invoke("--help");
        var data = new TheoryData<string>();
        bool inCommands = false;
        foreach (string line in run.Stdout.Split('\n'))
        {
            if (line.StartsWith("COMMANDS:", StringComparison.Ordinal))
            {
                inCommands = true;
            }
            else if (inCommands && line.StartsWith("    ", StringComparison.Ordinal) && !line.StartsWith("     ", StringComparison.Ordinal))
            {
                data.Add(line.Trim().Split(' ')[0]);
            }
        }

        return data;
    }

    [Fact]
    public void The_root_help_lists_every_command()
    {
        Assert.Equal(["calibrate", "predict", "evaluate", "defer", "monitor", "sql", "export", "demo", "bench", "experiment"], Commands().Cast<object[]>().Select(row => (string)row[0]));
    }

    [Theory]
    [MemberData(nameof(Commands))]
    public void Every_command_help_renders_without_error(string command)
    {
        foreach (var args in new[] { new[] { command, "--help" }, new[] { command, "-h" }, new[] { "help", command } })
        {
            var run = CliRun.Invoke(args);
            Assert.True(run.ExitCode == 0, $"credal {string.Join(' ', args)}: {run}");
            Assert.Equal(string.Empty, run.Stderr);
            Assert.Contains("OPTIONS:", run.Stdout);
            Assert.DoesNotContain("error:", run.Stdout, StringComparison.Ordinal);
        }
    }

    [Theory]
    [MemberData(nameof(Commands))]
    public void Help_lines_are_not_padded_and_fit_the_redirected_width(string command)
    {
        var run = CliRun.Invoke(command, "--help");
        foreach (string line in run.Stdout.Split('\n'))
        {
            Assert.False(line.EndsWith(' '), $"trailing spaces in '{line}'");
            Assert.True(line.Length <= CliConsoles.RedirectedHelpWidth, $"{line.Length} columns: '{line}'");
        }
    }

    [Theory]
    [MemberData(nameof(Commands))]
    public void Required_options_come_first_and_each_is_marked(string command)
    {
        var run = CliRun.Invoke(command, "--help");
        var optionLines = run.Stdout[run.Stdout.IndexOf("OPTIONS:", StringComparison.Ordinal)..].Split('\n')
            .Where(l => l.StartsWith("    -", StringComparison.Ordinal) || l.StartsWith("        --", StringComparison.Ordinal)).ToList();
        var required = optionLines.Select(l => l.Contains("Required.", StringComparison.Ordinal)).ToList();
        int firstOptional = required.IndexOf(false);
        Assert.True(firstOptional >= 0);
        Assert.DoesNotContain(true, required.Skip(firstOptional));
    }

    [Theory]
    [InlineData("--help")]
    [InlineData("help")]
    public void Root_help_and_help_command_succeed(string arg)
    {
        var run = CliRun.Invoke(arg);
        Assert.Equal(0, run.ExitCode);
        Assert.Equal(string.Empty, run.Stderr);
        Assert.Contains("-v, --version", run.Stdout);
    }

    [Fact]
    public void Version_prints_the_package_version()
    {
        var run = CliRun.Invoke("--version");
        Assert.Equal(0, run.ExitCode);
        Assert.Matches(@"^\d+\.\d+\.\d+", run.Stdout.Trim());
        Assert.Equal(string.Empty, run.Stderr);
    }

    [Fact]
    public void Evaluate_marks_its_calibration_option_required()
    {
        var run = CliRun.Invoke("evaluate", "--help");
        Assert.Matches(@"--calibration <FILE>\s+Required\.", run.Stdout);
    }

    [Theory]
    [InlineData("predict")]
    [InlineData("defer")]
    public void Commands_without_a_cloud_neither_offer_nor_accept_cloud_logits(string command)
    {
        Assert.DoesNotContain("--cloud-logits <", CliRun.Invoke(command, "--help").Stdout);
        Assert.DoesNotContain("    --cloud-logits", CliRun.Invoke(command, "--help").Stdout);
        var run = CliRun.Invoke(command, "--calibration", "c.json", "--edge", "e.csv", "--out", "o.csv", "--cloud-logits");
        Assert.Equal(2, run.ExitCode);
        Assert.Contains("reads no cloud matrix", run.Stderr);
    }
}
