using Spectre.Console;

namespace CredalDistill.Cli.Commands;

/// <summary>
/// Without an interactive terminal (a log file, CI) there is no progress bar: one plain line per new stage on
/// stderr (at most one every 5 seconds), with the completed share and the elapsed time, so a long run shows that
/// it moves.
/// </summary>
internal sealed class StageLog(CliConsoles consoles, Func<TimeSpan>? clock = null)
{
    private readonly Func<TimeSpan> _clock = clock ?? StartClock();
    private string? _stage;
    private TimeSpan? _last;

    /// <summary>Reports the run's current stage and completed fraction.</summary>
    public void Report(string stage, double fraction)
    {
        var now = _clock();
        if (consoles.Progress.Enabled || stage == _stage || (now - _last < TimeSpan.FromSeconds(5) && fraction < 1))
        {
            return;
        }

        _stage = stage;
        _last = now;
        consoles.Error.WriteLine($"[{now:hh\\:mm\\:ss}] {100 * Math.Clamp(fraction, 0, 1),3:F0} % {stage}");
    }

    private static Func<TimeSpan> StartClock()
    {
        var watch = System.Diagnostics.Stopwatch.StartNew();
        return () => watch.Elapsed;
    }
}
