using System.Globalization;
using CredalDistill.Calibration;
using CredalDistill.Cli.Commands;
using CredalDistill.Cli.Formats;
using CredalDistill.Conformal;
using CredalDistill.Credal;
using CredalDistill.Engines;
using CredalDistill.IO;
using Spectre.Console;

namespace CredalDistill.Cli.Services;

/// <summary>
/// <c>credal predict --group COLUMN</c>: each row gets its group's threshold. The edge file is read through DuckDB (the class
/// columns and the group column); every chunk is cut into runs of rows of one group, and each run is computed by the
/// ordinary prediction service with that group's calibrator (the artifact's CD-CI settings with the group's threshold), at
/// its own row positions, so the Monte Carlo streams of the rows are those of an ungrouped run.
/// </summary>
public static class GroupedPredictionService
{
    /// <summary>Runs the prediction; returns the exit code.</summary>
    public static int Run(CliConsoles consoles, PredictSettings settings, CalibrationArtifact artifact, CalibratedOutput output, LabelSetRule rule, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(consoles);
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(artifact);
        string name = Path.GetFileName(settings.Calibration);
        string column = settings.Group ?? throw new ArgumentException("--group is not set.", nameof(settings));
        if (artifact.Threshold?.Groups is not { } groups)
        {
            throw new UsageException($"{name} has one threshold for every row (no 'groups'); --group needs an artifact from calibrate --query ... --group-by COLUMN");
        }

        var options = settings.ToPredictorOptions();
        var calibrators = new Dictionary<string, FittedCalibrator>(StringComparer.Ordinal);
        var unknown = new Dictionary<string, long>(StringComparer.Ordinal);
        using var engine = QueryCalibrationService.Open(consoles, null);
        var input = settings.ToInputOptions();
        using var edge = new ProbabilityMatrixReader(GroupedMatrixReader.Open(engine, settings.Edge, column), input.EdgeLogits, input.Renormalize);
        if (edge.Classes != artifact.Classes)
        {
            throw new DataFormatException(settings.Edge, string.Create(CultureInfo.InvariantCulture, $"{edge.Classes} class columns (every column but '{column}'), but {name} is for {artifact.Classes} classes"));
        }

        var reader = (GroupedMatrixReader)edge.Reader;
        var (rows, columns) = consoles.Progress.Run(
            $"{CalibratedOutputNames.Name(output)} per {column}: {Path.GetFileName(settings.Edge)} -> {Path.GetFileName(settings.Out)}",
            () =>
            {
                MatrixWriter? writer = null;
                try
                {
                    while (edge.ReadChunk() is { } chunk)
                    {
                        cancellationToken.ThrowIfCancellationRequested();
                        string?[] rowGroups = reader.TakeGroups();
                        int start = 0;
                        while (start < chunk.Rows)
                        {
                            string? group = rowGroups[start] ?? throw new DataFormatException(settings.Edge, $"the group column '{column}' is empty (NULL)", row: checked((int)(edge.FirstRow + start + 1)));
                            int end = start + 1;
                            while (end < chunk.Rows && rowGroups[end] == group)
                            {
                                end++;
                            }

                            var calibrator = For(group);
                            var run = start == 0 && end == chunk.Rows ? chunk : chunk.Select([.. Enumerable.Range(start, end - start)]);
                            var table = PredictionService.Compute(calibrator, run, output, rule, null, cancellationToken, checked((int)(edge.FirstRow + start)));
                            writer ??= MatrixWriter.Create(settings.Out, table.NumericHeader, table.Sets is null ? null : PredictionTable.SetColumn);
                            table.WriteTo(writer);
                            start = end;
                        }
                    }

                    if (writer is null)
                    {
                        throw new DataFormatException(settings.Edge, "no data rows");
                    }

                    cancellationToken.ThrowIfCancellationRequested();
                    writer.Commit();
                    return (writer.RowsWritten, writer.Columns + (writer.TextColumn is null ? 0 : 1));
                }
                finally
                {
                    writer?.Dispose();
                }
            });

        foreach (var (group, count) in unknown)
        {
            consoles.Warn(string.Create(CultureInfo.InvariantCulture, $"group '{group}' ({count} rows) is not in {name}: it had no calibration rows, so its rows are unbounded (whole simplex)."));
        }

        foreach (string warning in groups.Warnings(artifact.Threshold.Epsilon))
        {
            consoles.Warn(warning);
        }

        consoles.Out.WriteLine(string.Create(CultureInfo.InvariantCulture, $"wrote {settings.Out}: {rows} rows x {columns} columns ({CalibratedOutputNames.Name(output)}, per {column})"));
        return ExitCodes.Success;

        FittedCalibrator For(string group)
        {
            if (!calibrators.TryGetValue(group, out var calibrator))
            {
                calibrator = calibrators[group] = FittedCalibrator.FromArtifact(GroupArtifact(artifact, groups.Groups.GetValueOrDefault(group)), options);
            }

            if (!groups.Groups.ContainsKey(group))
            {
                unknown[group] = unknown.GetValueOrDefault(group) + 1;
            }

            return calibrator;
        }
    }

    /// <summary>The artifact's CD-CI settings with one group's threshold (unbounded for a group without calibration rows).</summary>
    internal static CalibrationArtifact GroupArtifact(CalibrationArtifact artifact, GroupThreshold? group)
    {
        ArgumentNullException.ThrowIfNull(artifact);
        var threshold = artifact.Threshold ?? throw new ArgumentException("the artifact has no threshold.", nameof(artifact));
        var none = new ArtifactScoreSummary(double.PositiveInfinity, double.PositiveInfinity, double.PositiveInfinity);
        return artifact with
        {
            N = group?.N ?? 1,
            Threshold = threshold with { Gamma = group?.Gamma ?? double.PositiveInfinity, Scores = group?.Scores ?? none, Groups = null },
        };
    }

    /// <summary>Warns when an artifact with per-group thresholds is applied without <c>--group</c> (every row then gets the pooled threshold).</summary>
    public static void WarnWithoutGroup(CliConsoles consoles, CalibrationArtifact artifact, string name)
    {
        ArgumentNullException.ThrowIfNull(consoles);
        ArgumentNullException.ThrowIfNull(artifact);
        if (artifact.Threshold is { Groups: not null } threshold)
        {
            consoles.Warn($"{name} has per-group thresholds but --group was not given: every row gets the threshold over all calibration rows ({Reporting.ConsoleReports.Number(threshold.Gamma)} nats), which holds coverage over the calibration population as a whole, not within each group.");
        }
    }
}
