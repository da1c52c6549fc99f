using System.Text.Json;
using CredalDistill.Cli.Reporting;
using CredalDistill.Cli.Services;
using CredalDistill.IO;
using Spectre.Console;
using Spectre.Console.Cli;

namespace CredalDistill.Cli.Commands;

/// <summary><c>credal evaluate</c>: coverage and labelled metrics of a calibration on a labelled test set.</summary>
public sealed class EvaluateCommand : Command<EvaluateSettings>
{
    /// <inheritdoc />
    public override int Execute(CommandContext context, EvaluateSettings settings, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(settings);
        var consoles = (CliConsoles)context.Data!;
        var artifact = CalibrationArtifact.Load(settings.Calibration, Services.SigningKey.Read(settings.SignKey));
        var loader = new InputLoader(consoles.Progress, settings.ToInputOptions());
        var edge = loader.ReadEdge(settings.Edge, artifact.Classes, settings.Calibration);
        var cloud = loader.ReadCloud(settings.Cloud, artifact.Classes, settings.Calibration);
        InputLoader.CheckRows(settings.Cloud, cloud.Rows, settings.Edge, edge.Rows);
        var labels = loader.ReadLabels(settings.Labels, artifact.Classes);
        InputLoader.CheckRows(settings.Labels, labels.Length, settings.Edge, edge.Rows);
        if (artifact.Unbounded)
        {
            consoles.Warn($"{Path.GetFileName(settings.Calibration)} has an unbounded threshold: every credal set is the whole simplex.");
        }

        var report = consoles.Progress.Run("evaluating credal sets", p => EvaluationService.Evaluate(artifact.CreateDivergence(), artifact.Threshold, artifact.Epsilon, edge, cloud, labels, p, settings.ToPredictorOptions(), cancellationToken));
        ConsoleReports.Evaluation(consoles.Out, report);
        if (settings.Json is string json)
        {
            WriteJson(json, report);
            consoles.Out.WriteLine($"wrote {json}");
        }

        return ExitCodes.Success;
    }

    /// <summary>Writes <paramref name="report"/> as indented JSON (UTF-8, final newline), atomically.</summary>
    public static void WriteJson(string path, EvaluationReport report)
    {
        byte[] bytes = JsonSerializer.SerializeToUtf8Bytes(report, EvaluationReportJsonContext.Default.EvaluationReport);
        AtomicFile.Write(path, stream =>
        {
            stream.Write(bytes);
            stream.WriteByte((byte)'\n');
        });
    }
}
