using CredalDistill.Experiments;
using Spectre.Console;
using Spectre.Console.Cli;

namespace CredalDistill.Cli.Commands;

/// <summary><c>credal experiment</c>: the reproducible comparison of CD-CI with every baseline (docs/RESULTS.md).</summary>
public sealed class ExperimentCommand : Command<ExperimentSettings>
{
    /// <inheritdoc />
    public override int Execute(CommandContext context, ExperimentSettings settings, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(settings);
        var consoles = (CliConsoles)context.Data!;
        var options = (settings.Quick ? ExperimentOptions.Quick : new ExperimentOptions()) with { Seed = settings.Seed };
        if (settings.Splits is int splits)
        {
            options = options with { Splits = splits, HeavySplits = Math.Min(options.HeavySplits, splits) };
        }

        if (settings.GuaranteeSplits is int guaranteeSplits)
        {
            options = options with { GuaranteeSplits = guaranteeSplits };
        }

        string root = settings.Root ?? RepositoryRoot.Find();
        string output = settings.Out ?? (settings.Quick ? Path.Combine("out", "experiment-quick") : "docs");
        string command = "dotnet run -c Release --project src/CredalDistill.Cli -- experiment" + (settings.Quick ? " --quick" : string.Empty) + (settings.Guarantee ? " --guarantee" : string.Empty) + (settings.Splits is int s2 ? $" --splits {s2}" : string.Empty) + (settings.GuaranteeSplits is int g2 ? $" --guarantee-splits {g2}" : string.Empty) + (settings.Seed != 20250110UL ? $" --seed {settings.Seed}" : string.Empty);
        if (settings.Guarantee)
        {
            var guaranteeLog = new StageLog(consoles);
            var checks = consoles.Progress.Run("coverage guarantee at scale", progress =>
                Experiment.RunGuarantee(options, root, output, command, (stage, fraction) => { progress.Report(fraction); guaranteeLog.Report(stage, fraction); }, cancellationToken));
            var table = new Table().Title($"coverage guarantee: {options.GuaranteeSplits} splits, n = {options.CalibrationSize}");
            table.AddColumns("task", "divergence", "eps", "mean coverage %", "band %", "in band", "KS p");
            foreach (var c in checks)
            {
                table.AddRow(c.Task, Markup.Escape(c.Divergence), $"{c.Epsilon}", $"{100 * c.MeanCoverage:F2}", Markup.Escape($"[{100 * c.Lower:F2}, {100 * c.Upper:F2}]"), c.MeanWithinBand ? "yes" : "NO", $"{c.KsPValue:F3}");
            }

            consoles.Out.Write(table);
            consoles.Out.MarkupLineInterpolated($"Overall: [bold]{(GuaranteeAtScale.Passed(checks) ? "PASS" : "FAIL")}[/]. Wrote [bold]{Path.Combine(output, "GUARANTEE.md")}[/] and guarantee.json.");
            return ExitCodes.Success;
        }

        var log = new StageLog(consoles);
        var results = consoles.Progress.Run("experiment", progress =>
            Experiment.Run(options, root, output, command, (stage, fraction) => { progress.Report(fraction); log.Report(stage, fraction); }, cancellationToken));

        // Experiment.Run either committed every output or threw: an interruption never leaves a partial docs/ update.

        foreach (var task in results)
        {
            var table = new Table().Title($"{task.Task}: headline (mean over {options.Splits} splits)");
            table.AddColumns("method", "accuracy %", "ECE %", "NLL", "coverage %");
            foreach (var key in ResultsMarkdown.Headline.Append(ExperimentRunner.EpsilonAuto))
            {
                if (task[key] is { } m)
                {
                    table.AddRow(Markup.Escape(key.Display), $"{100 * m.Mean("accuracy"):F2}", $"{100 * m.Mean("ece"):F2}", $"{m.Mean("nll"):F3}", double.IsNaN(m.Mean("coverage")) ? "" : $"{100 * m.Mean("coverage"):F1}");
                }
            }

            consoles.Out.Write(table);
        }

        consoles.Out.MarkupLineInterpolated($"Wrote [bold]{Path.Combine(output, "RESULTS.md")}[/], results.json, figures/, GUARANTEE.md and guarantee.json.");
        return ExitCodes.Success;
    }
}
