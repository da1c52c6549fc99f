namespace CredalDistill.IO;

/// <summary>Streaming CSV implementation of <see cref="MatrixReader"/>.</summary>
internal sealed class CsvMatrixReader : MatrixReader
{
    private readonly CsvLineReader _lines;
    private readonly string _columnsSource;
    private int _firstBlankLine;

    private CsvMatrixReader(string path, CsvLineReader lines, int columns, IReadOnlyList<string>? header, int firstDataLine, string columnsSource)
        : base(path, columns, header)
    {
        _lines = lines;
        FirstDataLine = firstDataLine;
        _columnsSource = columnsSource;
    }

    public override int? TotalRows => null;

    public override bool EndOfData
    {
        get
        {
            while (_lines.TryReadLine(out var line))
            {
                if (!CsvText.IsBlank(line))
                {
                    _lines.Unread();
                    return false;
                }

                NoteBlank();
            }

            return true;
        }
    }

    internal override int FirstDataLine { get; }

    public static CsvMatrixReader OpenCsv(string path, int? expectedColumns)
    {
        var lines = new CsvLineReader(path);
        try
        {
            if (!lines.TryReadLine(out var first))
            {
                throw new DataFormatException(path, "the file is empty; expected a header or data row");
            }

            if (CsvText.IsBlank(first))
            {
                throw new DataFormatException(path, "the first line is empty; expected a header or data row", line: 1);
            }

            if (CsvText.LooksBinary(first))
            {
                throw new DataFormatException(path, "binary data, not CSV text (an NPY file needs the .npy extension)", line: 1);
            }

            int columns = CsvText.FieldCount(first);
            if (columns > InputLimits.MaxColumns)
            {
                throw new DataFormatException(path, $"{columns} columns; at most {InputLimits.MaxColumns} are supported", line: 1);
            }

            if (expectedColumns is int expected && expected != columns)
            {
                throw new DataFormatException(path, $"{columns} columns, expected {expected}", line: 1);
            }

            string source = expectedColumns is null ? " (from line 1)" : string.Empty;
            string[]? header = null;
            int firstDataLine = 1;
            if (IsHeader(first))
            {
                header = new string[columns];
                int i = 0;
                foreach (var range in first.Split(','))
                {
                    header[i++] = CsvText.HeaderName(first[range]);
                }

                firstDataLine = 2;
            }
            else
            {
                lines.Unread();
            }

            return new CsvMatrixReader(path, lines, columns, header, firstDataLine, source);
        }
        catch
        {
            lines.Dispose();
            throw;
        }
    }

    /// <summary>The first line is a header when none of its fields parses as a number.</summary>
    internal static bool IsHeader(ReadOnlySpan<char> line)
    {
        foreach (var range in line.Split(','))
        {
            if (CsvText.TryParseNumber(line[range], out _))
            {
                return false;
            }
        }

        return true;
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _lines.Dispose();
        }
    }

    protected override int ReadRowsCore(Span<double> destination)
    {
        int columns = Columns;
        int rows = 0;
        int capacity = destination.Length / columns;
        while (rows < capacity && _lines.TryReadLine(out var line))
        {
            if (CsvText.IsBlank(line))
            {
                NoteBlank();
                continue;
            }

            int lineNumber = _lines.LineNumber;
            if (_firstBlankLine > 0)
            {
                throw new DataFormatException(FilePath, "empty line; blank lines are only allowed at the end of the file", line: _firstBlankLine);
            }

            int fields = CsvText.FieldCount(line);
            if (fields != columns)
            {
                throw new DataFormatException(FilePath, $"{fields} columns, expected {columns}{_columnsSource}", line: lineNumber);
            }

            var row = destination.Slice(rows * columns, columns);
            int col = 0;
            while (true)
            {
                int comma = line.IndexOf(',');
                var field = comma < 0 ? line : line[..comma];
                if (!CsvText.TryParseNumber(field, out row[col]))
                {
                    throw new DataFormatException(FilePath, CsvText.NotANumber(field), line: lineNumber, row: lineNumber - FirstDataLine + 1, column: col + 1);
                }

                col++;
                if (comma < 0)
                {
                    break;
                }

                line = line[(comma + 1)..];
            }

            rows++;
        }

        return rows;
    }

    private void NoteBlank()
    {
        if (_firstBlankLine == 0)
        {
            _firstBlankLine = _lines.LineNumber;
        }
    }
}
