using CredalDistill.Cli.Reporting;
using CredalDistill.Cli.Services;
using CredalDistill.Credal;
using Spectre.Console;
using Spectre.Console.Cli;

namespace CredalDistill.Cli.Commands;

/// <summary><c>credal calibrate</c>: conformal threshold from paired cloud/edge outputs, saved as an artifact.</summary>
public sealed class CalibrateCommand : Command<CalibrateSettings>
{
    /// <inheritdoc />
    public override int Execute(CommandContext context, CalibrateSettings settings, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(settings);
        var consoles = (CliConsoles)context.Data!;
        var loader = new InputLoader(consoles.Progress, settings.ToInputOptions());
        var cloud = loader.ReadProbabilities(settings.Cloud);
        var edge = loader.ReadProbabilities(settings.Edge, cloud.Classes, settings.Cloud);
        CalibrationOutcome outcome;
        if (settings.AutoEpsilon)
        {
            var output = settings.SelectFor switch
            {
                "maxent" => CredalOutput.MaximumEntropy,
                "centroid" => CredalOutput.Centroid,
                _ => CredalOutput.Intersection,
            };
            var (auto, selection) = consoles.Progress.Run("choosing epsilon (label-free)", () => CalibrationService.CalibrateAuto(cloud, edge, settings.Divergence, output, settings.Cloud, settings.Edge));
            outcome = auto;
            ConsoleReports.EpsilonSelection(consoles.Out, selection, settings.SelectFor);
        }
        else
        {
            outcome = consoles.Progress.Run("calibrating", () => CalibrationService.Calibrate(cloud, edge, settings.Epsilon, settings.Divergence, settings.Cloud, settings.Edge));
        }

        cancellationToken.ThrowIfCancellationRequested();
        outcome.Artifact.Save(settings.Out);
        ConsoleReports.Calibration(consoles.Out, outcome.Threshold, settings.Out);
        if (outcome.Threshold.Warning is string warning)
        {
            consoles.Error.MarkupLineInterpolated($"[red bold]WARNING: unbounded threshold.[/] [yellow]{warning}[/]");
        }

        return ExitCodes.Success;
    }
}
