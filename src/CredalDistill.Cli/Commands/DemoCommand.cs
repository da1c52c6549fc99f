using CredalDistill.Calibration;
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
        foreach (var demo in results)
        {
            var task = demo.Task;
            var ip = task[MethodKey.Cdci(divergence, settings.Epsilon, CalibratedOutput.Intersection)];
            consoles.Out.MarkupLineInterpolated($"[bold]{task.Task}[/] (K = {task.Classes}): {task.Inputs} images, 1000 unlabeled calibration, 1000 labeled, {task.TestInputs} test; edge {demo.EdgeMicroseconds:F0} µs/image, cloud {demo.CloudMicroseconds:F0} µs/image.");
            if (ip is not null)
            {
                consoles.Out.MarkupLineInterpolated($"  gamma = {ip.Mean("gamma"):F4} nats ({divergence}, eps = {settings.Epsilon}); test coverage D(cloud || edge) <= gamma: {ip.Mean("coverage"):P1} (target >= {1 - settings.Epsilon:P0})");
            }

            var table = new Table().Title($"{task.Task}: seed {settings.Seed}");
            table.AddColumns("method", "accuracy %", "ECE %", "NLL", "Brier", "set size");
            foreach (var key in Demo.Rows(divergence, settings.Epsilon))
            {
                if (task[key] is not { } m)
                {
                    continue;
                }

                double size = m.Mean("set-size");
                table.AddRow(Markup.Escape(key.Display), $"{100 * m.Mean("accuracy"):F2}", $"{100 * m.Mean("ece"):F2}", $"{m.Mean("nll"):F3}", $"{m.Mean("brier"):F3}", double.IsNaN(size) ? "" : $"{size:F2}");
            }

            consoles.Out.Write(table);
            if (demo.Overconfident is { } regime)
            {
                var over = new Table().Title($"overconfident edge {regime.Edge} ({regime.Task}, raw ECE {100 * regime.RawEce:F2}%): seed {settings.Seed}");
                over.AddColumns("method", "accuracy %", "ECE %", "NLL", "Brier", "coverage", "set size");
                foreach (var key in RegimeRunner.Methods)
                {
                    if (regime[key] is { } m)
                    {
                        double coverage = m.Mean("coverage");
                        double size = m.Mean("set-size");
                        over.AddRow(Markup.Escape(key.Id), $"{100 * m.Mean("accuracy"):F2}", $"{100 * m.Mean("ece"):F2}", $"{m.Mean("nll"):F3}", $"{m.Mean("brier"):F3}", double.IsNaN(coverage) ? "" : $"{coverage:P1}", double.IsNaN(size) ? "" : $"{size:F2}");
                    }
                }

                consoles.Out.Write(over);
            }
        }

        consoles.Out.MarkupLineInterpolated($"Report: [bold]{Path.Combine(settings.Out, "report.md")}[/] (figures in {Path.Combine(settings.Out, "figures")}).");
        return ExitCodes.Success;
    }
}
