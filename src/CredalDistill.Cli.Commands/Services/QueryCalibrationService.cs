using System.Globalization;
using CredalDistill.Calibration;
using CredalDistill.Cli.Commands;
using CredalDistill.Cli.Reporting;
using CredalDistill.Divergences;
using CredalDistill.Engines;
using CredalDistill.IO;
using Spectre.Console;

namespace CredalDistill.Cli.Services;

/// <summary>
/// <c>credal calibrate --query</c>: CD-CI calibration inside the embedded DuckDB engine (<see cref="DuckDbEngine.Calibrate"/>):
/// the scores and the exact threshold (per group with <c>--group-by</c>) are computed by the engine, the artifact is
/// written from its answer. Without <c>--group-by</c> the artifact is the one <c>credal calibrate --cloud --edge</c> writes on the same rows.
/// </summary>
public static class QueryCalibrationService
{
    /// <summary>Runs the calibration and writes the artifact; returns the exit code.</summary>
    public static int Run(CliConsoles consoles, CalibrateSettings settings, byte[]? key, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(consoles);
        ArgumentNullException.ThrowIfNull(settings);
        var divergence = Divergence.Parse(settings.Divergence);
        var output = CalibratedOutput.Intersection;
        if (settings.SelectFor is not null)
        {
            CalibratedOutputNames.TryParse(settings.SelectFor, out output);
        }
        string query = settings.Query!;
        using var engine = Open(consoles, settings.MemoryLimit);
        EngineCalibration result;
        try
        {
            int classes = settings.KnownClasses ?? engine.ProbeListLength(query, settings.CloudColumnNames[0]);
            if (classes < 2)
            {
                throw new DataFormatException("the query", $"the list column '{settings.CloudColumnNames[0]}' has {classes} elements in the first row; a probability vector needs at least 2 classes");
            }

            var columns = settings.ToPairColumns(classes);
            result = consoles.Progress.Run(
                settings.GroupBy is null ? "DuckDB: scores and the exact threshold" : $"DuckDB: scores and the exact threshold per {settings.GroupBy}",
                p => engine.Calibrate(query, columns, divergence, settings.Epsilon, settings.GroupBy, p, cancellationToken));
        }
        catch (EngineQueryException ex)
        {
            throw Classify(ex);
        }

        cancellationToken.ThrowIfCancellationRequested();
        var artifact = result.ToArtifact(output);
        artifact.Save(settings.Out, key);
        Report(consoles.Out, result, settings.Out, engine.Version);
        foreach (string warning in result.Warnings())
        {
            consoles.Error.MarkupLineInterpolated($"[red bold]WARNING: unbounded threshold.[/] [yellow]{warning}[/]");
        }

        return ExitCodes.Success;
    }

    /// <summary>Opens DuckDB, or explains why it cannot (in the words of the running executable's composition).</summary>
    internal static DuckDbEngine Open(CliConsoles consoles, string? memoryLimit)
    {
        try
        {
            return new DuckDbEngine(memoryLimit);
        }
        catch (EngineUnavailableException ex)
        {
            throw new InvalidOperationException(
                consoles.Composition.DuckDbAbsent
                + ex.Message,
                ex);
        }
        catch (EngineQueryException ex)
        {
            throw new UsageException("--memory-limit: " + ex.Message);
        }
    }

    /// <summary>
    /// The CLI's reading of an engine error: a query that does not parse or bind (syntax, unknown table or column) is a
    /// usage error (exit 2); a file that cannot be read or a value that does not convert is bad input (exit 3); anything
    /// else (out of memory, ...) a failure (exit 1).
    /// </summary>
    internal static Exception Classify(EngineQueryException ex)
    {
        ArgumentNullException.ThrowIfNull(ex);
        string m = ex.Message;
        if (m.StartsWith("Parser Error", StringComparison.Ordinal) || m.StartsWith("Binder Error", StringComparison.Ordinal) || m.StartsWith("Catalog Error", StringComparison.Ordinal))
        {
            return new UsageException("--query: " + m);
        }

        if (m.StartsWith("IO Error", StringComparison.Ordinal) || m.StartsWith("Conversion Error", StringComparison.Ordinal) || m.StartsWith("Invalid Input Error", StringComparison.Ordinal))
        {
            return new DataFormatException("the query", m);
        }

        return new InvalidOperationException("DuckDB: " + m, ex);
    }

    private static void Report(IAnsiConsole console, EngineCalibration result, string path, string engineVersion)
    {
        var grid = new Grid().AddColumn(new GridColumn().NoWrap()).AddColumn();
        void Row(string name, string value) => grid.AddRow(new Markup($"[bold]{Markup.Escape(name)}[/]"), new Text(value));
        var all = result.All;
        Row("method", "cdci (inside DuckDB " + engineVersion + ")");
        Row("n", all.N.ToString(CultureInfo.InvariantCulture));
        Row("classes (K)", result.Classes.ToString(CultureInfo.InvariantCulture));
        Row("epsilon", ConsoleReports.Number(result.Epsilon));
        Row("divergence", result.Divergence);
        Row("rank k", all.Rank.GetValueOrDefault().ToString(CultureInfo.InvariantCulture) + (all.Rank > all.N ? " (> n)" : string.Empty));
        Row(result.Groups.Count > 0 ? "threshold over all rows (nats)" : "threshold (nats)", ConsoleReports.Number(all.Gamma));
        foreach (var g in result.Groups)
        {
            Row(string.Create(CultureInfo.InvariantCulture, $"  group {g.Group} (n = {g.N}, k = {g.Rank})"), ConsoleReports.Number(g.Gamma) + " nats");
        }

        Row("scores min", ConsoleReports.Number(all.Min));
        Row("scores median", ConsoleReports.Number(all.Median));
        Row("scores mean", all.Mean is double mean ? ConsoleReports.Number(mean) : "+inf");
        Row("scores max", ConsoleReports.Number(all.Max));
        if (all.Infinite > 0)
        {
            Row("infinite scores", all.Infinite.ToString(CultureInfo.InvariantCulture));
        }

        Row("artifact", path);
        console.Write(grid);
    }
}
