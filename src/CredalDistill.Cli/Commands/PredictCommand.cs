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
        var output = settings.Output is null ? OptionNames.FromCalibrated(artifact.Output) : Parse(settings.Output);
        if (output != PredictOutput.Tempered && !artifact.HasThreshold)
        {
            throw new UsageException($"{name} is a point calibration (method {artifact.Method}): it has no credal sets, so --output {settings.Output} is not available; use --output tempered");
        }

        var loader = new InputLoader(consoles.Progress, settings.ToInputOptions());
        var edge = loader.ReadEdge(settings.Edge, artifact.Classes, settings.Calibration);
        if (artifact.HasThreshold && artifact.Unbounded && output != PredictOutput.Tempered)
        {
            consoles.Warn($"{name} has an unbounded threshold: every credal set is the whole simplex (on the edge's support for KL-like divergences).");
        }

        var calibrator = artifact.ToCalibrator(settings.ToPredictorOptions());
        string kind = OptionNames.Name(output);
        var table = consoles.Progress.Run($"computing {kind}", p => PredictionService.Compute(calibrator, edge, output, rule, p, cancellationToken));
        cancellationToken.ThrowIfCancellationRequested();
        consoles.Progress.Run($"writing {Path.GetFileName(settings.Out)}", () =>
        {
            table.Write(settings.Out);
            return table.Rows;
        });
        int columns = table.NumericHeader.Count + (table.Sets is null ? 0 : 1);
        consoles.Out.WriteLine(string.Create(CultureInfo.InvariantCulture, $"wrote {settings.Out}: {table.Rows} rows x {columns} columns ({kind})"));
        return ExitCodes.Success;
    }

    private static PredictOutput Parse(string value)
    {
        OptionNames.TryParseOutput(value, out var output);
        return output;
    }
}
