using System.Globalization;
using CredalDistill.Calibration;
using CredalDistill.IO;
using CredalDistill.Onnx.Export;
using Spectre.Console;
using Spectre.Console.Cli;

namespace CredalDistill.Cli.Commands;

/// <summary>
/// <c>credal export</c>: the edge ONNX model with the CD-CI run-time step appended as standard ONNX operators
/// (<see cref="CalibratedModelExporter"/>), so that any ONNX Runtime (mobile, web, C/C++) runs the calibrated edge.
/// </summary>
public sealed class ExportCommand : Command<ExportSettings>
{
    /// <inheritdoc />
    public override int Execute(CommandContext context, ExportSettings settings, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(settings);
        var consoles = (CliConsoles)context.Data!;
        var artifact = CalibrationArtifact.Load(settings.Calibration);
        if (CalibratedModelExporter.Refusal(artifact, settings.OutputKind) is string refusal)
        {
            throw new UsageException($"{Path.GetFileName(settings.Calibration)} (method {artifact.Method}): {refusal}");
        }

        if (settings.GroupInput is not null && artifact.Threshold?.Groups is null)
        {
            throw new UsageException($"--group-input: {Path.GetFileName(settings.Calibration)} has no per-group thresholds (they come from calibrate --query ... --group-by COLUMN)");
        }

        if (artifact.Threshold?.Rows is Conformal.MondrianThreshold mondrian)
        {
            foreach (string warning in mondrian.Warnings())
            {
                consoles.Warn(warning);
            }
        }
        else if (artifact.Threshold?.Groups is { } groups)
        {
            if (settings.GroupInput is null)
            {
                consoles.Warn($"{Path.GetFileName(settings.Calibration)} has per-group thresholds but --group-input was not given: every row gets the threshold over all calibration rows.");
            }
            else
            {
                foreach (string warning in groups.Warnings(artifact.Threshold.Epsilon))
                {
                    consoles.Warn(warning);
                }
            }
        }
        else if (artifact.Threshold is { Unbounded: true })
        {
            consoles.Warn($"{Path.GetFileName(settings.Calibration)} has an unbounded threshold: the exported bounds are 0 and 1 and the probabilities uniform.");
        }

        var options = new CalibratedExportOptions { LogitsOutputName = settings.LogitsOutput, Output = settings.OutputKind, GroupInputName = settings.GroupInput };
        var summary = CalibratedModelExporter.ExportFile(settings.Model, artifact, settings.Out, options);
        string output = CalibratedOutputNames.Name(settings.OutputKind ?? artifact.Output);
        static string G(double v) => double.IsPositiveInfinity(v) ? "+inf" : v.ToString("G6", CultureInfo.InvariantCulture);
        string map = artifact.Map.IsIdentity ? string.Empty : $"map {artifact.Map}, ";
        if (summary.Divergence is null)
        {
            consoles.Out.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"wrote {settings.Out}: {artifact.Method}, {map}K = {summary.Classes}, opset {summary.Opset}, {summary.NodesAdded} operators added; output probabilities ({output})"));
            return ExitCodes.Success;
        }

        string gamma = summary.ClassGammas is { } perClass ? "[" + string.Join(", ", perClass.Select(G)) + "] by predicted class (Mondrian)"
            : summary.GroupGammas is { } perGroup ? "[" + string.Join(", ", summary.Groups!.Zip(perGroup, (g, v) => $"{g}: {G(v)}")) + $"] by the group id input '{settings.GroupInput}'"
            : G(summary.Gamma);
        string solver = summary.BoundIterations > 0 ? $"{summary.BoundIterations} bisection steps per bound" : "closed-form bounds";
        if (summary.TemperatureIterations > 0)
        {
            solver += $", {summary.TemperatureIterations} for the max-entropy temperature";
        }

        consoles.Out.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"wrote {settings.Out}: {artifact.Method}, {map}{summary.Divergence}, gamma = {gamma} nats, K = {summary.Classes}, opset {summary.Opset}, {summary.NodesAdded} operators added ({solver}); outputs probabilities ({output}), lower, upper, label_set"));
        return ExitCodes.Success;
    }
}
