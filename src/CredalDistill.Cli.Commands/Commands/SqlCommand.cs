using System.Globalization;
using System.Text;
using CredalDistill.Divergences;
using CredalDistill.Engines;
using CredalDistill.IO;
using Spectre.Console;
using Spectre.Console.Cli;

namespace CredalDistill.Cli.Commands;

/// <summary>
/// <c>credal sql</c>: prints the CD-CI calibration query (scores in the log domain and the exact threshold, per group)
/// and the monitoring query (coverage of audited pairs per group and day) for a warehouse's SQL dialect.
/// </summary>
public sealed class SqlCommand : Command<SqlSettings>
{
    /// <inheritdoc />
    public override int Execute(CommandContext context, SqlSettings settings, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(settings);
        var consoles = (CliConsoles)context.Data!;
        string sql = Build(settings);
        if (settings.Out is null)
        {
            consoles.Out.Profile.Out.Writer.Write(sql);
        }
        else
        {
            AtomicFile.Write(settings.Out, stream => stream.Write(Encoding.UTF8.GetBytes(sql)));
            consoles.Out.WriteLine($"wrote {settings.Out}");
        }

        return ExitCodes.Success;
    }

    /// <summary>The printed text: a header, then the requested queries, each ending with ';'.</summary>
    internal static string Build(SqlSettings settings)
    {
        var dialect = SqlDialects.Find(settings.Dialect)!;
        var divergence = Divergence.Parse(settings.Divergence);
        var columns = settings.ToPairColumns(settings.KnownClasses!.Value);
        string source = ThresholdQuery.FromTable(dialect, settings.Table);
        var sb = new StringBuilder();
        sb.Append(CultureInfo.InvariantCulture, $"-- credal sql: dialect {dialect.Name}, table {settings.Table}, {columns.Classes} classes, {divergence.Name}, eps = {settings.Epsilon:R}")
          .Append(settings.GroupBy is null ? string.Empty : $", group by {settings.GroupBy}").Append('\n');
        if (settings.Print is "threshold" or "both")
        {
            sb.Append("-- Calibration: one row per group (then one over all rows); gamma NULL = unbounded (k > n). Save it for monitoring:\n")
              .Append("-- CREATE TABLE ").Append(settings.ThresholdsTable).Append(" AS <this query>\n")
              .Append(ThresholdQuery.Build(dialect, source, columns, SqlDivergence.For(divergence), settings.Epsilon, settings.GroupBy)).Append(";\n");
        }

        if (settings.Print is "monitor" or "both")
        {
            IReadOnlyList<KeyValuePair<string, double>>? thresholds = null;
            var monitorDivergence = divergence;
            if (settings.Calibration is not null)
            {
                var artifact = CalibrationArtifact.Load(settings.Calibration);
                if (artifact.Threshold is not { } threshold)
                {
                    throw new UsageException($"{Path.GetFileName(settings.Calibration)} is a point calibration (method {artifact.Method}); it has no threshold to monitor");
                }

                if (!artifact.Map.IsIdentity)
                {
                    throw new UsageException($"{Path.GetFileName(settings.Calibration)} (method {artifact.Method}) thresholds D(cloud || map output); the SQL scores D(cloud || edge) around the edge itself: monitor it with credal monitor, or calibrate with --method cdci");
                }

                if (threshold.Rows is not null)
                {
                    throw new UsageException($"{Path.GetFileName(settings.Calibration)} has a per-row threshold (Mondrian or covariate shift), which the SQL does not compute: monitor it with credal monitor");
                }

                monitorDivergence = threshold.Divergence;
                thresholds = threshold.Groups is { } groups
                    ? [.. groups.Groups.Select(g => new KeyValuePair<string, double>(g.Key, g.Value.Gamma))]
                    : [new KeyValuePair<string, double>(string.Empty, threshold.Gamma)];
                if (threshold.Groups is not null && settings.GroupBy is null)
                {
                    throw new UsageException($"{Path.GetFileName(settings.Calibration)} has per-group thresholds: give --group-by with the group column");
                }
            }

            if (settings.Print == "both")
            {
                sb.Append('\n');
            }

            sb.Append(MonitorQuery.Build(dialect, source, columns, SqlDivergence.For(monitorDivergence), settings.GroupBy, settings.DayColumn, thresholds, settings.ThresholdsTable)).Append(";\n");
        }

        return sb.ToString();
    }
}
