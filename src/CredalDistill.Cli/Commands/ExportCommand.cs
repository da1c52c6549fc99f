using System.Globalization;
using CredalDistill.Divergences;
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
        if (!artifact.HasThreshold || artifact.Temperature is not null)
        {
            throw new UsageException($"{Path.GetFileName(settings.Calibration)} (method {artifact.Method}) {(artifact.HasThreshold ? "tempers the edge" : "has no threshold")}; export supports CD-CI artifacts around the untempered edge (method cdci, or auto when it chose cdci)");
        }

        if (artifact.RowThreshold is not null)
        {
            throw new UsageException($"{Path.GetFileName(settings.Calibration)} has a per-row threshold ({(artifact.RowThreshold is Conformal.MondrianThreshold ? "Mondrian by predicted class" : "covariate shift")}); export embeds one threshold in the graph, so it supports marginal or PAC CD-CI artifacts only (recalibrate without --mondrian / --deployment-edge)");
        }

        if (settings.MaximumEntropy && artifact.CreateDivergence() is not KullbackLeibler)
        {
            throw new UsageException($"--output maxent is exported for the KL divergence only; {Path.GetFileName(settings.Calibration)} uses '{artifact.Divergence}' (use --output intersection)");
        }

        if (artifact.Unbounded)
        {
            consoles.Warn($"{Path.GetFileName(settings.Calibration)} has an unbounded threshold: the exported bounds are 0 and 1 and the probabilities uniform.");
        }

        var options = new CalibratedExportOptions
        {
            LogitsOutputName = settings.LogitsOutput,
            Output = settings.MaximumEntropy ? ExportOutput.MaximumEntropy : ExportOutput.Intersection,
        };
        var summary = CalibratedModelExporter.ExportFile(settings.Model, artifact, settings.Out, options);
        string gamma = artifact.Unbounded ? "+inf" : artifact.Threshold.ToString("G6", CultureInfo.InvariantCulture);
        string solver = summary.BoundIterations > 0 ? $"{summary.BoundIterations} bisection steps per bound" : "closed-form bounds";
        if (summary.TemperatureIterations > 0)
        {
            solver += $", {summary.TemperatureIterations} for the max-entropy temperature";
        }

        consoles.Out.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"wrote {settings.Out}: {artifact.Divergence}, gamma = {gamma} nats, K = {summary.Classes}, opset {summary.Opset}, {summary.NodesAdded} operators added ({solver}); outputs probabilities ({settings.Output.Trim().ToLowerInvariant()}), lower, upper, label_set"));
        return ExitCodes.Success;
    }
}
