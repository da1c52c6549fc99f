using System.Globalization;

namespace CredalDistill.IO;

/// <summary>
/// Writes a CSV table with a header row and text or numeric cells (RFC 4180 quoting for text containing a comma,
/// quote or line break; numbers in the shortest round-trip invariant format). Used for matrices and for result
/// tables with a text column (e.g. a <c>set</c> column of labels joined by <c>|</c>).
/// </summary>
/// <example>
/// <code>
/// CsvTableWriter.WriteFile("out.csv", ["lower0", "upper0", "set"], csv =>
/// {
///     csv.Write(0.1); csv.Write(0.3); csv.Write("0|2"); csv.EndRow();
/// });
/// </code>
/// </example>
internal sealed class CsvTableWriter
{
    private readonly TextWriter _writer;
    private readonly char[] _number = new char[32];
    private int _column;

    /// <summary>Starts a table on <paramref name="writer"/> and writes the header row.</summary>
    /// <param name="writer">Destination (not disposed by this class).</param>
    /// <param name="header">Column names (at least one).</param>
    public CsvTableWriter(TextWriter writer, IReadOnlyList<string> header)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(header);
        if (header.Count == 0)
        {
            throw new ArgumentException("header must name at least one column.", nameof(header));
        }

        _writer = writer;
        Columns = header.Count;
        foreach (string name in header)
        {
            Write(name);
        }

        EndRow();
        RowsWritten = 0;
    }

    /// <summary>Number of columns of every row.</summary>
    public int Columns { get; }

    /// <summary>Number of data rows completed with <see cref="EndRow"/>.</summary>
    public int RowsWritten { get; private set; }

    /// <summary>
    /// Writes a whole table atomically (see <see cref="AtomicFile"/>): header row, then whatever
    /// <paramref name="writeRows"/> writes. If it throws, no file is left behind.
    /// </summary>
    public static void WriteFile(string path, IReadOnlyList<string> header, Action<CsvTableWriter> writeRows)
    {
        ArgumentNullException.ThrowIfNull(writeRows);
        AtomicFile.WriteText(path, writer => writeRows(new CsvTableWriter(writer, header)));
    }

    /// <summary>Writes a numeric cell in the shortest round-trip invariant format (<c>"R"</c>).</summary>
    public void Write(double value)
    {
        Separator();
        if (!value.TryFormat(_number, out int written, "R", CultureInfo.InvariantCulture))
        {
            _writer.Write(value.ToString("R", CultureInfo.InvariantCulture));
            return;
        }

        _writer.Write(_number, 0, written);
    }

    /// <summary>Writes an integer cell.</summary>
    public void Write(int value)
    {
        Separator();
        value.TryFormat(_number, out int written, default, CultureInfo.InvariantCulture);
        _writer.Write(_number, 0, written);
    }

    /// <summary>Writes a text cell, quoted (RFC 4180) when it contains a comma, double quote or line break.</summary>
    public void Write(string? value)
    {
        Separator();
        string text = value ?? string.Empty;
        if (text.AsSpan().IndexOfAny(",\"\r\n") < 0)
        {
            _writer.Write(text);
            return;
        }

        _writer.Write('"');
        _writer.Write(text.Replace("\"", "\"\"", StringComparison.Ordinal));
        _writer.Write('"');
    }

    /// <summary>Ends the current row; it must have exactly <see cref="Columns"/> cells.</summary>
    public void EndRow()
    {
        if (_column != Columns)
        {
            throw new InvalidOperationException($"CSV row {RowsWritten + 1} has {_column} cells; expected {Columns}.");
        }

        _writer.Write('\n');
        _column = 0;
        RowsWritten++;
    }

    private void Separator()
    {
        if (_column == Columns)
        {
            throw new InvalidOperationException($"CSV row {RowsWritten + 1} already has {Columns} cells; call EndRow first.");
        }

        if (_column > 0)
        {
            _writer.Write(',');
        }

        _column++;
    }
}
