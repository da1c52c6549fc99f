namespace CredalDistill.IO;

/// <summary>
/// Streaming reader of a matrix file (CSV or NPY, chosen by extension) that yields whole rows into a caller
/// buffer, so scores can be computed block by block without materialising the file. CSV is read line by line
/// through a pooled character buffer; NPY through a fixed byte buffer. Other formats (the CLI's Apache Parquet
/// reader) derive from this class and report bad values through <see cref="Error(long, int, string)"/>.
/// </summary>
/// <example>
/// <code>
/// using var reader = MatrixReader.Open("edge.csv", expectedColumns: 10);
/// var block = new double[4096 * reader.Columns];
/// int rows;
/// while ((rows = reader.ReadRows(block)) &gt; 0) { /* process rows * Columns values */ }
/// </code>
/// </example>
public abstract class MatrixReader : IDisposable
{
    private bool _disposed;

    /// <summary>Creates a reader of <paramref name="columns"/> columns of <paramref name="filePath"/>.</summary>
    /// <param name="filePath">The file being read (named in error messages).</param>
    /// <param name="columns">Number of columns (at least 1).</param>
    /// <param name="header">Column names, or null.</param>
    protected MatrixReader(string filePath, int columns, IReadOnlyList<string>? header)
    {
        ArgumentException.ThrowIfNullOrEmpty(filePath);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(columns);
        FilePath = filePath;
        Columns = columns;
        Header = header;
    }

    /// <summary>The file being read, as given to <see cref="Open(string, int?)"/>.</summary>
    public string FilePath { get; }

    /// <summary>Number of columns (fixed by the first CSV line or the NPY shape).</summary>
    public int Columns { get; }

    /// <summary>Column names from the CSV header row, or null.</summary>
    public IReadOnlyList<string>? Header { get; }

    /// <summary>Total number of rows when known in advance (NPY), otherwise null (CSV).</summary>
    public abstract int? TotalRows { get; }

    /// <summary>Number of rows returned so far.</summary>
    public int RowsRead { get; private protected set; }

    /// <summary>True when no further row can be read.</summary>
    public abstract bool EndOfData { get; }

    /// <summary>1-based text line of the first data row (CSV), or 0 for binary formats.</summary>
    internal virtual int FirstDataLine => 0;

    /// <summary>
    /// Opens <paramref name="path"/> for streaming. The extension selects the format from <see cref="MatrixFormats"/>
    /// (<c>.csv</c>, <c>.npy</c> and any registered one, case-insensitive). The header is parsed immediately.
    /// </summary>
    /// <param name="path">The file to read.</param>
    /// <param name="expectedColumns">When given, a different column count is a <see cref="DataFormatException"/>.</param>
    /// <exception cref="DataFormatException">Unsupported extension or malformed header.</exception>
    public static MatrixReader Open(string path, int? expectedColumns = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        if (expectedColumns is int e)
        {
            ArgumentOutOfRangeException.ThrowIfNegativeOrZero(e, nameof(expectedColumns));
        }

        return MatrixFormats.For(path).OpenReader(path, expectedColumns);
    }

    /// <summary>
    /// Reads up to <c>destination.Length / Columns</c> whole rows into <paramref name="destination"/> (row-major)
    /// and returns how many were read; 0 means the end of the data.
    /// </summary>
    /// <exception cref="ArgumentException"><paramref name="destination"/> is shorter than one row.</exception>
    /// <exception cref="DataFormatException">A malformed row (its line/row and column are in the exception).</exception>
    public int ReadRows(Span<double> destination)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (destination.Length < Columns)
        {
            throw new ArgumentException($"destination has length {destination.Length}; it must hold at least one row of {Columns} values.", nameof(destination));
        }

        int rows = ReadRowsCore(destination[..(destination.Length / Columns * Columns)]);
        RowsRead += rows;
        return rows;
    }

    /// <summary>Releases the underlying file.</summary>
    public void Dispose()
    {
        if (!_disposed)
        {
            _disposed = true;
            Dispose(true);
            GC.SuppressFinalize(this);
        }
    }

    /// <summary>Releases the underlying file.</summary>
    /// <param name="disposing">True when called from <see cref="Dispose()"/>.</param>
    protected abstract void Dispose(bool disposing);

    /// <summary>
    /// The exception for a bad value at 0-based data row <paramref name="row"/> and 0-based column
    /// <paramref name="column"/> (-1 for the whole row): file, line (text formats), 1-based row and column.
    /// </summary>
    public DataFormatException Error(long row, int column, string problem)
    {
        int? col = column >= 0 ? column + 1 : null;
        int? oneBased = row < int.MaxValue ? (int)(row + 1) : null;
        return FirstDataLine > 0 && FirstDataLine + row <= int.MaxValue
            ? new DataFormatException(FilePath, problem, line: (int)(FirstDataLine + row), row: oneBased, column: col)
            : new DataFormatException(FilePath, problem, row: oneBased, column: col);
    }

    /// <summary>Reads whole rows into <paramref name="destination"/> (its length is a positive multiple of <see cref="Columns"/>).</summary>
    protected abstract int ReadRowsCore(Span<double> destination);
}
