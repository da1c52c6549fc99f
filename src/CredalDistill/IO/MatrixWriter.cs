namespace CredalDistill.IO;

/// <summary>
/// Streaming, atomic writer of a matrix file: numeric columns, optionally followed by one text column, written
/// chunk by chunk with <see cref="WriteRows(int, ReadOnlySpan{double}, ReadOnlySpan{string})"/>. The content goes
/// to a temporary file next to the destination and becomes visible only on <see cref="Commit"/>; disposing without
/// committing (an exception, Ctrl-C) deletes it, so no partial output ever exists. <see cref="Create"/> picks CSV or
/// NPY by extension; other formats (the CLI's Apache Parquet writer) derive from this class and write to
/// <see cref="Stream"/>.
/// </summary>
/// <example>
/// <code>
/// using var writer = MatrixWriter.Create("out.npy", ["p_0", "p_1"]);
/// writer.WriteRows(2, [0.3, 0.7, 0.5, 0.5]);
/// writer.Commit();
/// </code>
/// </example>
public abstract class MatrixWriter : IDisposable
{
    private readonly AtomicFileWriter _file;
    private bool _committed;
    private bool _disposed;

    /// <summary>Creates the temporary file for <paramref name="filePath"/> (whose directory must exist).</summary>
    /// <param name="filePath">The destination file.</param>
    /// <param name="header">Names of the numeric columns (possibly none when <paramref name="textColumn"/> is given).</param>
    /// <param name="textColumn">Name of the trailing text column, or null.</param>
    protected MatrixWriter(string filePath, IReadOnlyList<string> header, string? textColumn)
    {
        ArgumentException.ThrowIfNullOrEmpty(filePath);
        ArgumentNullException.ThrowIfNull(header);
        if (header.Count == 0 && textColumn is null)
        {
            throw new ArgumentException("a matrix file needs at least one column.", nameof(header));
        }

        FilePath = filePath;
        Header = header;
        TextColumn = textColumn;
        _file = AtomicFileWriter.Create(filePath);
    }

    /// <summary>The destination file, as given.</summary>
    public string FilePath { get; }

    /// <summary>Names of the numeric columns.</summary>
    public IReadOnlyList<string> Header { get; }

    /// <summary>Name of the trailing text column, or null.</summary>
    public string? TextColumn { get; }

    /// <summary>Number of numeric columns.</summary>
    public int Columns => Header.Count;

    /// <summary>Number of rows written so far.</summary>
    public long RowsWritten { get; private set; }

    /// <summary>The temporary file's stream, for derived writers.</summary>
    protected Stream Stream => _file.Stream;

    /// <summary>
    /// Opens a writer chosen by <paramref name="path"/>'s extension from <see cref="MatrixFormats"/>: CSV (header row always;
    /// numbers in the shortest round-trip form), NPY (float64, C order; the row count is patched into the header on
    /// <see cref="Commit"/>), or a registered format.
    /// </summary>
    /// <param name="path">Destination file (<c>.csv</c>, <c>.npy</c> or a registered extension).</param>
    /// <param name="header">Names of the numeric columns (CSV: non-empty, not numbers, no comma, quote or line break).</param>
    /// <param name="textColumn">Name of a trailing text column (CSV only), or null.</param>
    /// <exception cref="DataFormatException">Unsupported extension.</exception>
    /// <exception cref="NotSupportedException">A text column for NPY.</exception>
    public static MatrixWriter Create(string path, IReadOnlyList<string> header, string? textColumn = null)
    {
        ArgumentNullException.ThrowIfNull(header);
        return MatrixFormats.For(path).CreateWriter(path, header, textColumn);
    }

    /// <summary>
    /// Appends <paramref name="rows"/> rows: <c>rows * Columns</c> row-major numbers and, when the file has a text
    /// column, <paramref name="rows"/> texts.
    /// </summary>
    /// <exception cref="ArgumentException">The spans do not match <paramref name="rows"/>.</exception>
    public void WriteRows(int rows, ReadOnlySpan<double> values, ReadOnlySpan<string> texts = default)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        ArgumentOutOfRangeException.ThrowIfNegative(rows);
        if (_committed)
        {
            throw new InvalidOperationException("The file has already been committed.");
        }

        if ((long)rows * Columns != values.Length)
        {
            throw new ArgumentException($"values has length {values.Length}; expected rows * columns = {(long)rows * Columns}.", nameof(values));
        }

        if (texts.Length != (TextColumn is null ? 0 : rows))
        {
            throw new ArgumentException($"texts has length {texts.Length}; expected {(TextColumn is null ? 0 : rows)}.", nameof(texts));
        }

        if (rows > 0)
        {
            WriteRowsCore(rows, values, texts);
            RowsWritten += rows;
        }
    }

    /// <summary>Completes the file (footer, patched header), flushes it to disk and moves it over the destination.</summary>
    public void Commit()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (_committed)
        {
            throw new InvalidOperationException("The file has already been committed.");
        }

        Complete();
        _file.Commit();
        _committed = true;
    }

    /// <summary>Closes the file; unless committed, the temporary file is deleted and the destination left as it was.</summary>
    public void Dispose()
    {
        if (!_disposed)
        {
            _disposed = true;
            try
            {
                Dispose(true);
            }
            finally
            {
                _file.Dispose();
            }

            GC.SuppressFinalize(this);
        }
    }

    /// <summary>Releases the derived writer's resources (called before the temporary file is closed).</summary>
    /// <param name="disposing">True when called from <see cref="Dispose()"/>.</param>
    protected virtual void Dispose(bool disposing)
    {
    }

    /// <summary>Writes validated rows (<paramref name="rows"/> is positive).</summary>
    protected abstract void WriteRowsCore(int rows, ReadOnlySpan<double> values, ReadOnlySpan<string> texts);

    /// <summary>Writes what ends the file (buffers, footer, header patch) to <see cref="Stream"/>.</summary>
    protected abstract void Complete();
}
