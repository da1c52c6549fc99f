using System.ComponentModel;
using Spectre.Console.Cli;

namespace CredalDistill.Cli.Commands;

/// <summary>The <c>predict --group</c> option: per-group thresholds (an artifact from <c>calibrate --query ... --group-by</c>).</summary>
public sealed partial class PredictSettings
{
    /// <summary><c>--group</c>.</summary>
    [CommandOption("--group <COLUMN>")]
    [Description("Apply each row's group threshold (an artifact with 'groups', from calibrate --query ... --group-by): the --edge file (.csv with a header row, or .parquet; read by DuckDB) has this column beside the class columns, which are all the other columns in file order. A group the artifact does not know is unbounded (whole simplex), with a warning.")]
    public string? Group { get; set; }

    private string? CheckGroup()
    {
        if (Group is null)
        {
            return null;
        }

        if (string.IsNullOrWhiteSpace(Group))
        {
            return "--group needs a column name";
        }

        string ext = Path.GetExtension(Edge);
        return ext.Equals(".csv", StringComparison.OrdinalIgnoreCase) || ext.Equals(".parquet", StringComparison.OrdinalIgnoreCase)
            ? null
            : $"--group reads the group column from the --edge file, so it must be .csv (with a header row) or .parquet (got '{Edge}')";
    }
}
