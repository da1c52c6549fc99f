namespace CredalDistill.IO;

/// <summary>A dense row-major matrix read from a file by <see cref="MatrixFile.Read(string, int?)"/>.</summary>
public sealed class MatrixData
{
    /// <summary>Creates a matrix; <paramref name="data"/> must have length <c>rows * columns</c>.</summary>
    /// <param name="data">Row-major values (owned by the new instance, not copied).</param>
    /// <param name="rows">Number of rows (samples).</param>
    /// <param name="columns">Number of columns.</param>
    /// <param name="header">Column names from a CSV header row, or null.</param>
    /// <param name="filePath">File the data came from (used in error messages).</param>
    public MatrixData(double[] data, int rows, int columns, IReadOnlyList<string>? header = null, string filePath = "")
        : this(data, rows, columns, header, filePath, 0)
    {
    }

    internal MatrixData(double[] data, int rows, int columns, IReadOnlyList<string>? header, string filePath, int firstDataLine)
    {
        ArgumentNullException.ThrowIfNull(data);
        ArgumentOutOfRangeException.ThrowIfNegative(rows);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(columns);
        if ((long)rows * columns != data.Length)
        {
            throw new ArgumentException($"data has length {data.Length}; expected rows * columns = {(long)rows * columns}.", nameof(data));
        }

        if (header is not null && header.Count != columns)
        {
            throw new ArgumentException($"header has {header.Count} names; expected {columns}.", nameof(header));
        }

        Data = data;
        Rows = rows;
        Columns = columns;
        Header = header;
        FilePath = filePath ?? string.Empty;
        FirstDataLine = firstDataLine;
    }

    /// <summary>Row-major values, length <c>Rows * Columns</c>.</summary>
    public double[] Data { get; }

    /// <summary>Number of rows (samples).</summary>
    public int Rows { get; }

    /// <summary>Number of columns.</summary>
    public int Columns { get; }

    /// <summary>Column names from the CSV header row, or null (no header, or NPY).</summary>
    public IReadOnlyList<string>? Header { get; }

    /// <summary>The file the matrix was read from (empty when built in memory).</summary>
    public string FilePath { get; }

    /// <summary>Row <paramref name="i"/> (0-based) as a span.</summary>
    public ReadOnlySpan<double> Row(int i) => Data.AsSpan(i * Columns, Columns);

    /// <summary>1-based text line of the first data row (CSV), or 0 for binary files.</summary>
    internal int FirstDataLine { get; }

    /// <summary>Builds an error located at 0-based data row <paramref name="row"/> and 0-based <paramref name="column"/> (or -1).</summary>
    internal DataFormatException Error(int row, int column, string problem)
    {
        int? col = column >= 0 ? column + 1 : null;
        return FirstDataLine > 0
            ? new DataFormatException(FilePath, problem, line: FirstDataLine + row, row: row + 1, column: col)
            : new DataFormatException(FilePath, problem, row: row + 1, column: col);
    }

    /// <summary>Deconstructs into <c>(data, rows, columns, header)</c>.</summary>
    public void Deconstruct(out double[] data, out int rows, out int columns, out IReadOnlyList<string>? header)
    {
        data = Data;
        rows = Rows;
        columns = Columns;
        header = Header;
    }
}
