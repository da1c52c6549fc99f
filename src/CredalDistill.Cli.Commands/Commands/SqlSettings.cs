using System.ComponentModel;
using System.Globalization;
using CredalDistill.Engines;
using Spectre.Console;
using Spectre.Console.Cli;

namespace CredalDistill.Cli.Commands;

/// <summary>Options of <c>credal sql</c>.</summary>
public sealed class SqlSettings : EngineColumnsSettings
{
    /// <summary><c>--dialect</c>.</summary>
    [CommandOption("--dialect <NAME>", true)]
    [Description("The SQL dialect: " + SqlDialects.Names + ". duckdb and postgres are tested against the library; spark and trino are generated from their documented semantics (exact integer division, no approximate quantiles) but not run here.")]
    public string Dialect { get; set; } = string.Empty;

    /// <summary><c>--table</c>.</summary>
    [CommandOption("--table <NAME>", true)]
    [Description("The table (or view) of (cloud, edge) pairs; schema.table is quoted part by part.")]
    public string Table { get; set; } = string.Empty;

    /// <summary><c>--divergence</c>.</summary>
    [CommandOption("--divergence <NAME>")]
    [Description("Score divergence D(cloud || edge): " + CredalDistill.Divergences.Divergence.Names + ".")]
    [DefaultValue("kl")]
    public string Divergence { get; set; } = "kl";

    /// <summary><c>--epsilon</c>.</summary>
    [CommandOption("--epsilon <EPS>")]
    [Description("Miscoverage level in (0, 1), at most 18 decimal places; the rank k = ceil((n + 1)(1 - eps)) is computed exactly in the query.")]
    [DefaultValue(0.1)]
    public double Epsilon { get; set; } = 0.1;

    /// <summary><c>--day-column</c>.</summary>
    [CommandOption("--day-column <COLUMN>")]
    [Description("The monitoring query's period column: coverage is reported per group and value of this column.")]
    [DefaultValue("day")]
    public string DayColumn { get; set; } = "day";

    /// <summary><c>--calibration</c>.</summary>
    [CommandOption("--calibration <FILE>")]
    [Description("An artifact whose thresholds (its 'groups', or its one threshold) are written into the monitoring query, which then scores with the artifact's divergence. Without it the monitoring query reads --thresholds-table.")]
    public string? Calibration { get; set; }

    /// <summary><c>--thresholds-table</c>.</summary>
    [CommandOption("--thresholds-table <NAME>")]
    [Description("Without --calibration: the table the monitoring query reads the thresholds from (columns group_value, gamma; NULL = unbounded), e.g. CREATE TABLE credal_thresholds AS <the threshold query>.")]
    [DefaultValue("credal_thresholds")]
    public string ThresholdsTable { get; set; } = "credal_thresholds";

    /// <summary><c>--print</c>.</summary>
    [CommandOption("--print <WHICH>")]
    [Description("Which queries to print: threshold, monitor or both (each ends with ';').")]
    [DefaultValue("both")]
    public string Print { get; set; } = "both";

    /// <summary><c>--out</c>.</summary>
    [CommandOption("--out <FILE>")]
    [Description("Write the SQL to this file (atomically) instead of the standard output.")]
    public string? Out { get; set; }

    /// <inheritdoc />
    public override ValidationResult Validate()
    {
        if (SqlDialects.Find(Dialect) is null)
        {
            return ValidationResult.Error($"--dialect '{Dialect}' is not valid; choose one of: {SqlDialects.Names}");
        }

        if (string.IsNullOrWhiteSpace(Table))
        {
            return ValidationResult.Error("--table needs a table name");
        }

        if (!CredalDistill.Divergences.Divergence.TryParse(Divergence, out _, out string? error))
        {
            return ValidationResult.Error("--divergence: " + error);
        }

        if (!(Epsilon > 0.0 && Epsilon < 1.0))
        {
            return ValidationResult.Error($"--epsilon must be a number strictly between 0 and 1 (got {Epsilon.ToString(CultureInfo.InvariantCulture)})");
        }

        if (Print is not ("threshold" or "monitor" or "both"))
        {
            return ValidationResult.Error($"--print must be threshold, monitor or both (got '{Print}')");
        }

        if (CheckColumns() is string columnsError)
        {
            return ValidationResult.Error(columnsError);
        }

        return KnownClasses is null ? ValidationResult.Error("--classes K is needed when both sides are list columns (the query unrolls the K elements)") : ValidationResult.Success();
    }
}
