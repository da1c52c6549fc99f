using System.ComponentModel;
using CredalDistill.Engines;
using Spectre.Console;
using Spectre.Console.Cli;

namespace CredalDistill.Cli.Commands;

/// <summary>Options that say where the (cloud, edge) pairs are in a table: <c>calibrate --query</c> and <c>credal sql</c>.</summary>
public class EngineColumnsSettings : InputSettings
{
    /// <summary><c>--cloud-columns</c>.</summary>
    [CommandOption("--cloud-columns <NAMES>")]
    [Description("The cloud's columns in the table: K numeric columns, comma-separated in class order (c0,c1,c2), or one list/array column (cloud).")]
    public string? CloudColumns { get; set; }

    /// <summary><c>--edge-columns</c>.</summary>
    [CommandOption("--edge-columns <NAMES>")]
    [Description("The edge's columns: K numeric columns in class order, or one list/array column.")]
    public string? EdgeColumns { get; set; }

    /// <summary><c>--group-by</c>.</summary>
    [CommandOption("--group-by <COLUMN>")]
    [Description("One threshold per value of this column (device model, region, ...), each the exact split-conformal threshold of its own rows (coverage holds within each group), plus the threshold over all rows. The artifact gets a 'groups' object.")]
    public string? GroupBy { get; set; }

    /// <summary><c>--classes</c>.</summary>
    [CommandOption("--classes <K>")]
    [Description("The number of classes when both sides are list columns (calibrate --query reads it from the first row when omitted).")]
    public int? Classes { get; set; }

    /// <summary>True when any column option is given.</summary>
    protected bool HasColumnOptions => CloudColumns is not null || EdgeColumns is not null || GroupBy is not null || Classes is not null;

    /// <summary>The cloud column names.</summary>
    public IReadOnlyList<string> CloudColumnNames => Split(CloudColumns);

    /// <summary>The edge column names.</summary>
    public IReadOnlyList<string> EdgeColumnNames => Split(EdgeColumns);

    /// <summary>The number of classes the options give (the names, or <c>--classes</c>), or null when it must be read from the data.</summary>
    public int? KnownClasses => Classes ?? PairColumns.ClassesFromNames(CloudColumnNames, EdgeColumnNames);

    /// <summary>The column description for <paramref name="classes"/> classes.</summary>
    public PairColumns ToPairColumns(int classes)
    {
        var input = ToInputOptions();
        return new PairColumns(CloudColumnNames, EdgeColumnNames, classes, input.CloudLogits, input.EdgeLogits, Renormalize);
    }

    /// <summary>Null when the column options are consistent, otherwise the message.</summary>
    protected string? CheckColumns()
    {
        if (string.IsNullOrWhiteSpace(CloudColumns) || string.IsNullOrWhiteSpace(EdgeColumns))
        {
            return "--cloud-columns and --edge-columns are both needed (K column names in class order, or one list column each)";
        }

        var cloud = CloudColumnNames;
        var edge = EdgeColumnNames;
        if (cloud.Count > 1 && edge.Count > 1 && cloud.Count != edge.Count)
        {
            return $"--cloud-columns has {cloud.Count} columns but --edge-columns has {edge.Count}; both models must output the same classes";
        }

        if (Classes is int k && (k < 2 || (cloud.Count > 1 && cloud.Count != k) || (edge.Count > 1 && edge.Count != k)))
        {
            return $"--classes {k} does not fit the columns (at least 2 classes; K names per side, or one list column)";
        }

        if (cloud.Count == 1 && edge.Count == 1 && cloud[0] == edge[0])
        {
            return "--cloud-columns and --edge-columns name the same column";
        }

        return GroupBy is not null && string.IsNullOrWhiteSpace(GroupBy) ? "--group-by needs a column name" : null;
    }

    private static string[] Split(string? names)
        => names is null ? [] : [.. names.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)];

    /// <summary>The validation result of <see cref="CheckColumns"/>.</summary>
    protected ValidationResult ColumnsResult() => CheckColumns() is string error ? ValidationResult.Error(error) : ValidationResult.Success();
}
