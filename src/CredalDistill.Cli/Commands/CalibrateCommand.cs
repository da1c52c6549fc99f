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
        byte[]? key = Services.SigningKey.Read(settings.SignKey);
        var loader = new InputLoader(consoles.Progress, settings.ToInputOptions());
        var cloud = loader.ReadCloud(settings.Cloud);
        var edge = loader.ReadEdge(settings.Edge, cloud.Classes, settings.Cloud);
        CalibrationOutcome outcome;
        var output = settings.SelectFor switch
        {
            "maxent" => CredalOutput.MaximumEntropy,
            "centroid" => CredalOutput.Centroid,
            _ => CredalOutput.Intersection,
        };
        if (settings.AutoDivergence)
        {
            double[]? epsilons = settings.AutoEpsilon ? null : [settings.Epsilon];
            string what = settings.AutoEpsilon ? "divergence and epsilon" : "divergence";
            var (auto, selection) = consoles.Progress.Run($"choosing the {what} (label-free)", () => CalibrationService.CalibrateConfiguration(cloud, edge, epsilons, output, settings.Cloud, settings.Edge));
            outcome = auto;
            ConsoleReports.ConfigurationSelection(consoles.Out, selection, settings.SelectFor);
        }
        else if (settings.AutoEpsilon)
        {
            var (auto, selection) = consoles.Progress.Run("choosing epsilon (label-free)", () => CalibrationService.CalibrateAuto(cloud, edge, settings.Divergence, output, settings.Cloud, settings.Edge));
            outcome = auto;
            ConsoleReports.EpsilonSelection(consoles.Out, selection, settings.SelectFor);
        }
        else
        {
            outcome = consoles.Progress.Run("calibrating", () => CalibrationService.Calibrate(cloud, edge, settings.Epsilon, settings.Divergence, settings.Cloud, settings.Edge));
        }

        cancellationToken.ThrowIfCancellationRequested();
        outcome.Artifact.Save(settings.Out, key);
        ConsoleReports.Calibration(consoles.Out, outcome.Threshold, settings.Out);
        if (outcome.Threshold.Warning is string warning)
        {
            consoles.Error.MarkupLineInterpolated($"[red bold]WARNING: unbounded threshold.[/] [yellow]{warning}[/]");
        }

        return ExitCodes.Success;
    }
}
