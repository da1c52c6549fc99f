using CredalDistill.Cli.Formats;
using CredalDistill.IO;

namespace CredalDistill.Cli.Services;

/// <summary>The table written by <c>credal predict</c>: numeric columns, optionally followed by the text column <c>set</c>.</summary>
public sealed class PredictionTable
{
    /// <summary>Creates a table.</summary>
    /// <param name="rows">Number of rows.</param>
    /// <param name="numericHeader">Names of the numeric columns.</param>
    /// <param name="numeric">Row-major numeric values, <c>rows x numericHeader.Count</c>.</param>
    /// <param name="sets">The <c>set</c> column (labels joined by <c>|</c>), or null.</param>
    public PredictionTable(int rows, IReadOnlyList<string> numericHeader, double[] numeric, string[]? sets)
    {
        ArgumentNullException.ThrowIfNull(numericHeader);
        ArgumentNullException.ThrowIfNull(numeric);
        Rows = rows;
        NumericHeader = numericHeader;
        Numeric = numeric;
        Sets = sets;
    }

    /// <summary>Name of the text column.</summary>
    public const string SetColumn = "set";

    /// <summary>Number of rows.</summary>
    public int Rows { get; }

    /// <summary>Names of the numeric columns (possibly none).</summary>
    public IReadOnlyList<string> NumericHeader { get; }

    /// <summary>Row-major numeric values.</summary>
    public double[] Numeric { get; }

    /// <summary>The <c>set</c> column, or null.</summary>
    public string[]? Sets { get; }

    /// <summary>Writes the table atomically: CSV (header row always), Parquet, or, for purely numeric tables, NPY float64.</summary>
    /// <exception cref="UsageException">A table with a text column is written to <c>.npy</c>.</exception>
    public void Write(string path)
    {
        using var writer = MatrixWriter.Create(path, NumericHeader, Sets is null ? null : SetColumn);
        WriteTo(writer);
        writer.Commit();
    }

    /// <summary>Appends the rows to an open writer with this table's columns (a chunk of a streamed output).</summary>
    public void WriteTo(MatrixWriter writer)
    {
        ArgumentNullException.ThrowIfNull(writer);
        writer.WriteRows(Rows, Numeric, Sets);
    }
}
