using Spectre.Console;

namespace CredalDistill.Cli;

/// <summary>
/// Runs a step with a Spectre progress bar on the error console when (and only when) that console is an interactive
/// terminal; otherwise the step runs silently. Steps report fractions through <see cref="IProgress{T}"/>, or nothing
/// (a spinner-style indeterminate bar).
/// </summary>
public sealed class ProgressRunner
{
    private readonly IAnsiConsole _console;

    /// <summary>Creates a runner drawing on <paramref name="console"/>.</summary>
    public ProgressRunner(IAnsiConsole console)
    {
        ArgumentNullException.ThrowIfNull(console);
        _console = console;
    }

    /// <summary>True when progress bars are drawn (interactive terminal).</summary>
    public bool Enabled => _console.Profile.Capabilities.Interactive;

    /// <summary>Runs <paramref name="step"/>; it may report its completed fraction (0..1) to the progress object it receives.</summary>
    /// <param name="description">Shown next to the bar.</param>
    /// <param name="step">The work; its progress argument is never null.</param>
    /// <param name="determinate">False for steps that cannot report progress (an indeterminate bar is shown).</param>
    public T Run<T>(string description, Func<IProgress<double>, T> step, bool determinate = true)
    {
        ArgumentNullException.ThrowIfNull(step);
        if (!Enabled)
        {
            return step(new FractionProgress(null));
        }

        return _console.Progress()
            .AutoClear(true)
            .HideCompleted(true)
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn(), new SpinnerColumn())
            .Start(ctx =>
            {
                var task = ctx.AddTask(Markup.Escape(description), maxValue: 1.0);
                task.IsIndeterminate = !determinate;
                var result = step(new FractionProgress(task));
                task.Value = 1.0;
                task.StopTask();
                return result;
            });
    }

    /// <summary>Runs a step that reports nothing (indeterminate bar).</summary>
    public T Run<T>(string description, Func<T> step)
    {
        ArgumentNullException.ThrowIfNull(step);
        return Run(description, _ => step(), determinate: false);
    }

    private sealed class FractionProgress(ProgressTask? task) : IProgress<double>
    {
        public void Report(double value)
        {
            if (task is not null)
            {
                task.Value = Math.Clamp(value, 0.0, 1.0);
            }
        }
    }
}
