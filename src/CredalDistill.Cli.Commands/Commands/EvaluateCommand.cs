using CredalDistill.Calibration;
using System.Text.Json;
using CredalDistill.Cli.Reporting;
using CredalDistill.Cli.Services;
using CredalDistill.IO;
using CredalDistill.Metrics;
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
        var writeFigures = consoles.Composition.WriteFigures;
        if (settings.Figures is not null && writeFigures is null)
        {
            throw new UsageException("--figures: " + consoles.Composition.FiguresAbsent);
        }

        byte[]? key = Services.SigningKey.Read(settings.SignKey);
        var artifacts = settings.Calibration.Select(path => CalibrationArtifact.Load(path, key)).ToArray();
        int classes = artifacts[0].Classes;
        for (int a = 1; a < artifacts.Length; a++)
        {
            if (artifacts[a].Classes != classes)
            {
                throw new DataFormatException(settings.Calibration[a], $"is for {artifacts[a].Classes} classes, but {Path.GetFileName(settings.Calibration[0])} is for {classes}; compared artifacts must have the same classes");
            }
        }

        var loader = new InputLoader(consoles.Progress, settings.ToInputOptions());
        using var edge = loader.OpenEdgeChunks(settings.Edge, classes, settings.Calibration[0]);
        using var cloud = loader.OpenCloudChunks(settings.Cloud, classes, settings.Calibration[0]);
        if (edge.Reader.TotalRows is int edgeRows && cloud.Reader.TotalRows is int cloudRows)
        {
            InputLoader.CheckRows(settings.Cloud, cloudRows, settings.Edge, edgeRows);
        }

        using var labels = LabelReader.Open(settings.Labels, classes);
        if (edge.Reader.TotalRows is int known && labels.TotalRows is long labelRows)
        {
            InputLoader.CheckRows(settings.Labels, checked((int)labelRows), settings.Edge, known);
        }

        var sums = new EvaluationSums[artifacts.Length];
        for (int a = 0; a < artifacts.Length; a++)
        {
            if (artifacts[a].Threshold is { Unbounded: true })
            {
                consoles.Warn($"{Path.GetFileName(settings.Calibration[a])} has an unbounded threshold: every credal set is the whole simplex.");
            }

            sums[a] = new EvaluationSums(FittedCalibrator.FromArtifact(artifacts[a], settings.ToPredictorOptions()), settings.Calibration[a], classes, settings.Bootstrap is null ? RowRetention.Confidence : RowRetention.Bootstrap);
        }

        long rows = consoles.Progress.Run(
            $"evaluating {string.Join(", ", settings.Calibration.Select(Path.GetFileName))}",
            p => EvaluationService.Stream(sums, edge, cloud, labels, settings, p, cancellationToken),
            determinate: edge.Reader.TotalRows is not null);
        var reports = sums.Select(s => s.Report()).ToList();
        BootstrapEvidence? evidence = null;
        List<PairedComparison>? comparisons = null;
        if (settings.Bootstrap is int replicates)
        {
            evidence = consoles.Progress.Run(
                $"bootstrap: {replicates} resamples of {rows} rows",
                p => BootstrapEvidence.Run(sums, replicates, settings.Seed, p, cancellationToken));
            reports = evidence.WithIntervals(reports);
            comparisons = reports.Count > 1 ? evidence.Comparisons(reports, sums) : null;
        }

        ConsoleReports.Evaluation(consoles.Out, reports);
        EvidenceReports.Write(consoles.Out, reports, comparisons, settings.Bootstrap, settings.Seed);
        if (settings.Figures is string figures && writeFigures is not null)
        {
            var files = consoles.Progress.Run("reliability diagrams", () => writeFigures(figures, sums, settings.Calibration, evidence, cancellationToken));
            consoles.Out.WriteLine($"wrote {files.Count} reliability diagram(s) to {figures}");
        }

        if (settings.Json is string json)
        {
            WriteJson(json, reports, comparisons);
            consoles.Out.WriteLine($"wrote {json}");
        }

        return ExitCodes.Success;
    }

    /// <summary>
    /// Writes the report as indented JSON (UTF-8, final newline), atomically: the single artifact's <see cref="EvaluationReport"/>,
    /// or a <see cref="ComparisonReport"/> with one entry per artifact (and the paired <paramref name="comparisons"/>, if any).
    /// </summary>
    public static void WriteJson(string path, IReadOnlyList<EvaluationReport> reports, IReadOnlyList<PairedComparison>? comparisons = null)
    {
        ArgumentNullException.ThrowIfNull(reports);
        byte[] bytes = reports.Count == 1
            ? JsonSerializer.SerializeToUtf8Bytes(reports[0], EvaluationReportJsonContext.Default.EvaluationReport)
            : JsonSerializer.SerializeToUtf8Bytes(new ComparisonReport { N = reports[0].N, Classes = reports[0].Classes, Calibrations = reports, Comparisons = comparisons }, EvaluationReportJsonContext.Default.ComparisonReport);
        AtomicFile.Write(path, stream =>
        {
            stream.Write(bytes);
            stream.WriteByte((byte)'\n');
        });
    }
}
