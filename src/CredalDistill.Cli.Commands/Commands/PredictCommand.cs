using CredalDistill.Calibration;
using System.Globalization;
using CredalDistill.Cli.Services;
using CredalDistill.IO;
using Spectre.Console;
using Spectre.Console.Cli;

namespace CredalDistill.Cli.Commands;

/// <summary><c>credal predict</c>: calibrated outputs (bounds, distributions, label sets) for edge outputs.</summary>
public sealed class PredictCommand : Command<PredictSettings>
{
    /// <inheritdoc />
    public override int Execute(CommandContext context, PredictSettings settings, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(settings);
        var consoles = (CliConsoles)context.Data!;
        OptionNames.TryParseLabelRule(settings.LabelRule, out var rule);
        var artifact = CalibrationArtifact.Load(settings.Calibration, Services.SigningKey.Read(settings.SignKey));
        string name = Path.GetFileName(settings.Calibration);
        var output = settings.Output is null ? artifact.Output : Parse(settings.Output);
        if (output != CalibratedOutput.Calibrated && !artifact.HasThreshold)
        {
            throw new UsageException($"{name} is a point calibration (method {artifact.Method}): it has no credal sets, so --output {settings.Output} is not available; use --output calibrated");
        }

        if (settings.Group is not null)
        {
            return GroupedPredictionService.Run(consoles, settings, artifact, output, rule, cancellationToken);
        }

        GroupedPredictionService.WarnWithoutGroup(consoles, artifact, name);

        var loader = new InputLoader(consoles.Progress, settings.ToInputOptions());
        using var edge = loader.OpenEdgeChunks(settings.Edge, artifact.Classes, settings.Calibration);
        if (artifact.Threshold is { Unbounded: true } && output != CalibratedOutput.Calibrated)
        {
            consoles.Warn($"{name} has an unbounded threshold: every credal set is the whole simplex (on the edge's support for KL-like divergences).");
        }

        var calibrator = FittedCalibrator.FromArtifact(artifact, settings.ToPredictorOptions());
        string kind = CalibratedOutputNames.Name(output);
        var (rows, columns) = consoles.Progress.Run(
            $"{kind}: {Path.GetFileName(settings.Edge)} -> {Path.GetFileName(settings.Out)}",
            p => PredictionService.Stream(calibrator, edge, settings.Out, output, rule, p, cancellationToken),
            determinate: edge.Reader.TotalRows is not null);
        consoles.Out.WriteLine(string.Create(CultureInfo.InvariantCulture, $"wrote {settings.Out}: {rows} rows x {columns} columns ({kind})"));
        return ExitCodes.Success;
    }

    private static CalibratedOutput Parse(string value)
    {
        CalibratedOutputNames.TryParse(value, out var output);
        return output;
    }
}
