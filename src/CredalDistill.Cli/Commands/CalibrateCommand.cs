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
    /// <summary>Rows the label-free selections need for their 2-fold cross-fitting.</summary>
    private const int SelectionRows = 4;

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
            var (calibrator, step, minimum) = Create(settings, deployment);
            fitted = consoles.Progress.Run(step, () => CalibrationService.Fit(calibrator, cloud, edge, labels, paths, minimum, cancellationToken));
        }

        if (fitted.Auto is { } auto)
        {
            ConsoleReports.AutoChoice(consoles.Out, auto);
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

    /// <summary>The core calibrator the options select, the progress label of its fit and the rows it needs.</summary>
    /// <param name="settings">The options.</param>
    /// <param name="deployment">The <c>--deployment-edge</c> outputs, or null.</param>
    private static (Calibrator Calibrator, string Step, (int, string)? MinimumRows) Create(CalibrateSettings settings, ProbabilityMatrix? deployment)
    {
        var output = settings.SelectFor switch
        {
            "maxent" => CredalOutput.MaximumEntropy,
            "centroid" => CredalOutput.Centroid,
            _ => CredalOutput.Intersection,
        };
        switch (settings.Method.Trim().ToLowerInvariant())
        {
            case CalibratorNames.Ts:
                var objective = settings.TsObjective.Trim().Equals("ece", StringComparison.OrdinalIgnoreCase) ? TemperatureObjective.ExpectedCalibrationError : TemperatureObjective.NegativeLogLikelihood;
                return (new TemperatureScalingCalibrator { Objective = objective }, "fitting the temperature (labels)", null);
            case CalibratorNames.DistilledTs:
                return (new DistilledTemperatureCalibrator(), "fitting the distilled temperature", null);
            case CalibratorNames.TwoStage:
                return (new TwoStageCalibrator { Divergence = Divergences.Divergence.Parse(settings.Divergence), Epsilon = settings.Epsilon, Output = output }, "distilled temperature, then the threshold", (2, "--method distilled-ts+cdci"));
            case CalibratorNames.Auto:
                return (new AutoCalibrator { SetDivergence = Divergences.Divergence.Parse(settings.Divergence), SetEpsilon = settings.Epsilon }, "choosing the method (label-free)", (SelectionRows, "--method auto"));
            default:
                var cdci = new CdciCalibrator
                {
                    Divergence = settings.AutoDivergence ? null : Divergences.Divergence.Parse(settings.Divergence),
                    Epsilon = settings.AutoEpsilon ? null : settings.Epsilon,
                    Output = output,
                    Delta = settings.PacDelta,
                    Mondrian = settings.Mondrian,
                    DeploymentEdge = deployment,
                };
                if (!settings.AutoDivergence && !settings.AutoEpsilon)
                {
                    return (cdci, settings.Mondrian ? "calibrating (Mondrian thresholds)" : deployment is null ? "calibrating" : "calibrating (density ratio, weighted scores)", null);
                }

                string what = settings.AutoDivergence ? (settings.AutoEpsilon ? "divergence and epsilon" : "divergence") : "epsilon";
                return (cdci, $"choosing the {what} (label-free)", (SelectionRows, settings.AutoDivergence ? "--divergence auto" : "--epsilon auto"));
        }
    }
}
