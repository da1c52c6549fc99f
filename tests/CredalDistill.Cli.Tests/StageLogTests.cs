using CredalDistill.Cli;
using CredalDistill.Cli.Commands;

namespace CredalDistill.Cli.Tests;

/// <summary>The plain progress lines of a redirected <c>credal experiment</c> (no terminal, no bar).</summary>
public sealed class StageLogTests
{
    [Fact]
    public void A_redirected_run_gets_a_line_per_new_stage_at_most_every_five_seconds_and_always_the_last()
    {
        var text = new StringWriter();
        var consoles = new CliConsoles(new StringWriter(), text);
        var now = TimeSpan.Zero;
        var log = new StageLog(consoles, () => now);

        log.Report("fmnist3: cloud", 0.0);          // first: written
        now = TimeSpan.FromSeconds(1);
        log.Report("fmnist3: edge", 0.01);          // within 5 s: skipped
        now = TimeSpan.FromSeconds(7);
        log.Report("fmnist3: edge", 0.02);          // 6 s later, new stage since the last line: written
        log.Report("fmnist3: edge", 0.03);          // same stage: skipped
        now = TimeSpan.FromSeconds(3725);
        log.Report("regimes: 40/1300 edge-splits", 0.634);
        now = TimeSpan.FromSeconds(3726);
        log.Report("done", 1.0);                    // the end is always written

        string[] lines = text.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        Assert.Equal(
            ["[00:00:00]   0 % fmnist3: cloud", "[00:00:07]   2 % fmnist3: edge", "[01:02:05]  63 % regimes: 40/1300 edge-splits", "[01:02:06] 100 % done"],
            lines);
    }
}
