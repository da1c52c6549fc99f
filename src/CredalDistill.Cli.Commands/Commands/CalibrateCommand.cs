using CredalDistill.Baselines;
using CredalDistill.Calibration;
using CredalDistill.Cli.Reporting;
using CredalDistill.Cli.Services;
using CredalDistill.Credal;
using Spectre.Console;
using Spectre.Console.Cli;

namespace CredalDistill.Cli.Commands;

/// <summary><c>credal calibrate</c>: fits a calibration method on paired cloud/edge outputs and saves it as an artifact (version 2).</summary>
public sealed class CalibrateCommand : Command<CalibrateSettings>
{
    /// <inheritdoc />
    public override int Execute(CommandContext context, CalibrateSettings settings, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(settings);
        var consoles = (CliConsoles)context.Data!;
        byte[]? key = Services.SigningKey.Read(settings.SignKey);
        if (settings.Query is not null)
        {
            return QueryCalibrationService.Run(consoles, settings, key, cancellationToken);
        }

        var loader = new InputLoader(consoles.Progress, settings.ToInputOptions());
        var paths = (settings.Cloud, settings.Edge, settings.Labels);
        FittedCalibrator fitted;
        if (!settings.Mondrian && settings.DeploymentEdge is null && Create(settings, null).Calibrator is CdciCalibrator { Divergence: not null, Epsilon: not null } cdci)
        {
            // Fixed divergence and eps: only the scores are needed, so both files stream (8 bytes a row are kept).
            using var cloudChunks = loader.OpenCloudChunks(settings.Cloud);
            using var edgeChunks = loader.OpenEdgeChunks(settings.Edge, cloudChunks.Classes, settings.Cloud);
            int[]? streamedLabels = settings.Labels is null ? null : loader.ReadLabels(settings.Labels, cloudChunks.Classes);
            fitted = consoles.Progress.Run("scores (streamed) and threshold", p => CalibrationService.FitStreamed(cdci, cloudChunks, edgeChunks, streamedLabels, paths, p, cancellationToken), determinate: cloudChunks.Reader.TotalRows is not null);
        }
        else
        {
            var cloud = loader.ReadCloud(settings.Cloud);
            var edge = loader.ReadEdge(settings.Edge, cloud.Classes, settings.Cloud);
            int[]? labels = settings.Labels is null ? null : loader.ReadLabels(settings.Labels, cloud.Classes);
            var deployment = settings.DeploymentEdge is null ? null : loader.ReadEdge(settings.DeploymentEdge, cloud.Classes, settings.Cloud);
            var (calibrator, step) = Create(settings, deployment);
            fitted = consoles.Progress.Run(step, () => CalibrationService.Fit(calibrator, cloud, edge, labels, paths, cancellationToken));
        }

        if (fitted.Auto is { } auto)
        {
            ConsoleReports.AutoChoice(consoles.Out, auto, fitted);
        }
        else if (fitted.Selection is { Mode: ThresholdSelection.Auto } selection && fitted.Predictor is { } p)
        {
            ConsoleReports.Selection(consoles.Out, selection, p.Divergence.Name, fitted.Epsilon!.Value);
        }

        cancellationToken.ThrowIfCancellationRequested();
        fitted.ToArtifact().Save(settings.Out, key);
        ConsoleReports.Calibration(consoles.Out, fitted, settings.Out);
        if (fitted.RowThreshold is { } rows)
        {
            foreach (string rowWarning in rows.Warnings())
            {
                consoles.Error.MarkupLineInterpolated($"[red bold]WARNING: unbounded threshold.[/] [yellow]{rowWarning}[/]");
            }
        }
        else if (fitted.Threshold?.Warning is string warning)
        {
            consoles.Error.MarkupLineInterpolated($"[red bold]WARNING: unbounded threshold.[/] [yellow]{warning}[/]");
        }

        return ExitCodes.Success;
    }

    /// <summary>The registry's calibrator for the options and the progress label of its fit.</summary>
    /// <param name="settings">The options.</param>
    /// <param name="deployment">The <c>--deployment-edge</c> outputs, or null.</param>
    /// <exception cref="UsageException">The method refuses a setting (e.g. 'auto' eps for a map, then CD-CI).</exception>
    private static (Calibrator Calibrator, string Step) Create(CalibrateSettings settings, ProbabilityMatrix? deployment)
    {
        var entry = settings.Entry;
        Calibrator calibrator;
        try
        {
            calibrator = entry.Create(settings.ToMethodOptions(deployment));
        }
        catch (ArgumentException ex)
        {
            throw new UsageException($"--method {entry.Name}: {ex.Message.Split(" (Parameter", 2)[0]}");
        }

        string step = calibrator switch
        {
            AutoCalibrator => "choosing the method (label-free)",
            CdciCalibrator { Divergence: null, Epsilon: null } => "choosing the divergence and epsilon (label-free)",
            CdciCalibrator { Divergence: null } => "choosing the divergence (label-free)",
            CdciCalibrator { Epsilon: null } => "choosing the epsilon (label-free)",
            CdciCalibrator when settings.Mondrian => "calibrating (Mondrian thresholds)",
            CdciCalibrator when deployment is not null => "calibrating (density ratio, weighted scores)",
            CdciCalibrator => "calibrating",
            _ => $"fitting {entry.Name}" + (entry.NeedsLabels ? " (labels)" : string.Empty),
        };
        return (calibrator, step);
    }
}
