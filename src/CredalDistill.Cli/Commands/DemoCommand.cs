using System.Globalization;
using CredalDistill.Divergences;
using CredalDistill.Experiments;
using Spectre.Console;
using Spectre.Console.Cli;

namespace CredalDistill.Cli.Commands;

/// <summary><c>credal demo</c>: the end-to-end job on the bundled data and models, with a table and a report folder.</summary>
public sealed class DemoCommand : Command<DemoSettings>
{
    /// <inheritdoc />
    public override int Execute(CommandContext context, DemoSettings settings, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(settings);
        var consoles = (CliConsoles)context.Data!;
        string root = settings.Root ?? RepositoryRoot.Find();
        string divergence = Divergence.Parse(settings.Divergence).Name;
        var results = consoles.Progress.Run("demo: ONNX inference, calibration, evaluation", progress =>
            Demo.Run(root, settings.Out, settings.Seed, settings.Epsilon, divergence, (stage, fraction) => progress.Report(fraction), cancellationToken: cancellationToken));

        // Demo.Run either committed the whole report folder or threw (an interruption is an OperationCanceledException,
        // reported as "interrupted; no output file was written"): what is printed below is true either way.
        var overconfident = results.Select(d => d.Overconfident).OfType<RegimeResult>().FirstOrDefault();
        foreach (var demo in results)
        {
            var task = demo.Task;
            string noun = task.Modality;
            consoles.Out.MarkupLineInterpolated($"[bold]{task.Task}[/] (K = {task.Classes}): {task.Inputs} {noun}s, 1000 unlabeled calibration, 1000 labeled (for the baselines that need labels), {task.TestInputs} test; edge {demo.EdgeMicroseconds:F0} µs/{noun}, cloud {demo.CloudMicroseconds:F0} µs/{noun}.");
            foreach (string line in Demo.Lead(demo, overconfident, divergence, settings.Epsilon))
            {
                consoles.Out.WriteLine(line.Replace("`", string.Empty, StringComparison.Ordinal));
            }

            var table = new Table().Title(Markup.Escape($"{task.Task}, seed {settings.Seed}: every method on the {task.TestInputs} test {noun}s"));
            table.AddColumns("method", "accuracy %", "ECE %", "NLL", "Brier", "coverage %", "set size");
            foreach (var key in Demo.Rows(divergence, settings.Epsilon))
            {
                if (task[key] is { } m)
                {
                    table.AddRow(Row(key.Display, m));
                }
            }

            consoles.Out.Write(table);
            if (demo.Overconfident is { } regime)
            {
                var over = new Table().Title(Markup.Escape($"overconfident edge {regime.Edge} ({regime.Task}, raw ECE {100 * regime.RawEce:F2} %), seed {settings.Seed}"));
                over.AddColumns("method", "accuracy %", "ECE %", "NLL", "Brier", "coverage %", "set size");
                foreach (var key in RegimeRunner.Methods)
                {
                    if (regime[key] is { } m)
                    {
                        over.AddRow(Row(key.Id, m));
                    }
                }

                consoles.Out.Write(over);
            }
        }

        consoles.Out.MarkupLineInterpolated($"Report: [bold]{Path.Combine(settings.Out, "report.md")}[/] (figures in {Path.Combine(settings.Out, "figures")}).");
        return ExitCodes.Success;
    }

    /// <summary>One table row: accuracy, ECE and coverage in percent (the console's unit), NLL and Brier as they are.</summary>
    private static Text[] Row(string name, MethodSummary m)
    {
        static string Cell(double v, string format, double scale = 1.0) => double.IsNaN(v) ? string.Empty : (scale * v).ToString(format, CultureInfo.InvariantCulture);
        return [new Text(name), new Text(Cell(m.Mean("accuracy"), "F2", 100)), new Text(Cell(m.Mean("ece"), "F2", 100)), new Text(Cell(m.Mean("nll"), "F3")), new Text(Cell(m.Mean("brier"), "F3")), new Text(Cell(m.Mean("coverage"), "F1", 100)), new Text(Cell(m.Mean("set-size"), "F2"))];
    }
}
