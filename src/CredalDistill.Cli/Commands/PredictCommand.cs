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
        var edge = loader.ReadEdge(settings.Edge, artifact.Classes, settings.Calibration);
        if (artifact.Unbounded)
        {
            consoles.Warn($"{Path.GetFileName(settings.Calibration)} has an unbounded threshold: every credal set is the whole simplex (on the edge's support for KL-like divergences).");
        }

        var predictor = new CredalPredictor(artifact.CreateDivergence(), artifact.Threshold, settings.ToPredictorOptions());
        var table = consoles.Progress.Run($"computing {settings.Output}", p => PredictionService.Compute(predictor, edge, output, rule, p, cancellationToken));
        cancellationToken.ThrowIfCancellationRequested();
        consoles.Progress.Run($"writing {Path.GetFileName(settings.Out)}", () =>
        {
            table.Write(settings.Out);
            return table.Rows;
        });
        int columns = table.NumericHeader.Count + (table.Sets is null ? 0 : 1);
        consoles.Out.WriteLine(string.Create(CultureInfo.InvariantCulture, $"wrote {settings.Out}: {table.Rows} rows x {columns} columns ({settings.Output.Trim().ToLowerInvariant()})"));
        return ExitCodes.Success;
    }
}
