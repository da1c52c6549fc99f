using System.Globalization;
using CredalDistill.Cli.Services;
using CredalDistill.Credal;
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
        OptionNames.TryParseOutput(settings.Output, out var output);
        OptionNames.TryParseLabelRule(settings.LabelRule, out var rule);
        var artifact = CalibrationArtifact.Load(settings.Calibration, Services.SigningKey.Read(settings.SignKey));
        var loader = new InputLoader(consoles.Progress, settings.ToInputOptions());
        using var edge = loader.OpenEdgeChunks(settings.Edge, artifact.Classes, settings.Calibration);
        if (artifact.Unbounded)
        {
            consoles.Warn($"{Path.GetFileName(settings.Calibration)} has an unbounded threshold: every credal set is the whole simplex (on the edge's support for KL-like divergences).");
        }

        var predictor = new CredalPredictor(artifact.CreateDivergence(), artifact.Threshold, settings.ToPredictorOptions());
        var (rows, columns) = consoles.Progress.Run(
            $"{settings.Output.Trim().ToLowerInvariant()}: {Path.GetFileName(settings.Edge)} -> {Path.GetFileName(settings.Out)}",
            p => PredictionService.Stream(predictor, edge, settings.Out, output, rule, p, cancellationToken),
            determinate: edge.Reader.TotalRows is not null);
        consoles.Out.WriteLine(string.Create(CultureInfo.InvariantCulture, $"wrote {settings.Out}: {rows} rows x {columns} columns ({settings.Output.Trim().ToLowerInvariant()})"));
        return ExitCodes.Success;
    }
}
