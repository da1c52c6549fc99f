using System.ComponentModel;
using Spectre.Console;
using Spectre.Console.Cli;

namespace CredalDistill.Cli.Commands;

/// <summary>The <c>calibrate --query</c> options: CD-CI calibration inside the embedded DuckDB engine.</summary>
public sealed partial class CalibrateSettings
{
    /// <summary><c>--query</c>.</summary>
    [CommandOption("--query <SQL>")]
    [Description("Calibrate inside DuckDB (embedded) instead of reading --cloud/--edge: a SELECT over anything DuckDB reads, e.g. \"SELECT * FROM read_parquet('lake/**/*.parquet', hive_partitioning = true) WHERE day >= '2026-11-01'\". The scores (log domain) and the exact k-th order statistic are computed in the engine; only the threshold (per group with --group-by) comes back. Needs --cloud-columns and --edge-columns; method cdci with a fixed --divergence and --epsilon.")]
    public string? Query { get; set; }

    /// <summary><c>--memory-limit</c>.</summary>
    [CommandOption("--memory-limit <SIZE>")]
    [Description("With --query: DuckDB's memory_limit (e.g. 2GB); the sort behind the exact threshold spills to disk beyond it. Default: DuckDB's (80% of RAM).")]
    public string? MemoryLimit { get; set; }

    private ValidationResult ValidateQuery()
    {
        if (string.IsNullOrWhiteSpace(Query))
        {
            return ValidationResult.Error("--cloud-columns, --edge-columns, --group-by and --classes are for --query \"SELECT ...\" (calibration inside DuckDB)");
        }

        if (Cloud.Length > 0 || Edge.Length > 0)
        {
            return ValidationResult.Error("--query replaces --cloud and --edge: give the columns with --cloud-columns and --edge-columns");
        }

        if (Method.Trim().ToLowerInvariant() != "cdci" || Labels is not null || PacDelta is not null || Mondrian || DeploymentEdge is not null)
        {
            return ValidationResult.Error("--query calibrates the CD-CI threshold (method cdci) only: --method, --labels, --pac-delta, --mondrian and --deployment-edge are for files (use --group-by for per-group thresholds)");
        }

        if (AutoEpsilon || !(Epsilon > 0.0 && Epsilon < 1.0))
        {
            return ValidationResult.Error($"--query needs a fixed --epsilon strictly between 0 and 1 (got '{EpsilonText}'); 'auto' needs the matrices");
        }

        if (AutoDivergence)
        {
            return ValidationResult.Error("--query needs a fixed --divergence; 'auto' needs the matrices");
        }

        if (!Divergences.Divergence.TryParse(Divergence, out _, out string? error))
        {
            return ValidationResult.Error("--divergence: " + error);
        }

        if (SelectFor is not (null or "intersection" or "maxent" or "centroid"))
        {
            return ValidationResult.Error($"--select-for must be intersection, maxent or centroid (got '{SelectFor}')");
        }

        if (CheckColumns() is string columnsError)
        {
            return ValidationResult.Error(columnsError);
        }

        return string.IsNullOrWhiteSpace(Out) ? ValidationResult.Error("--out needs a file name") : ValidationResult.Success();
    }
}
