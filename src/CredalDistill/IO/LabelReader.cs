namespace CredalDistill.IO;

/// <summary>
/// Reads a label file (<see cref="LabelFile"/>: CSV, one integer per line with an optional header, or a 1-D NPY array)
/// chunk by chunk, so a test set of any length is evaluated with one chunk of labels in memory. Every label is checked
/// as it is read (integer, non-negative, below the class count) and errors name the file and the line (CSV) or row (NPY).
/// </summary>
public sealed class LabelReader : IDisposable
{
    private readonly int? _classes;
    private readonly CsvLineReader? _csv;
    private readonly FileStream? _npy;
    private readonly NpyDType? _type;
    private readonly byte[]? _bytes;
    private readonly double[]? _values;
    private bool _first = true;
    private int _firstBlank;

    private LabelReader(string path, int? classes)
    {
        FilePath = path;
        _classes = classes;
        var format = MatrixFormats.For(path);
        if (format != MatrixFormats.Csv && format != MatrixFormats.Npy)
        {
            throw new DataFormatException(path, $"labels are read from .csv or .npy files; got a {format.Name} file");
        }

        if (format == MatrixFormats.Csv)
        {
            _csv = new CsvLineReader(path);
            return;
        }

        _npy = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, FileOptions.SequentialScan);
        try
        {
            var header = NpyHeader.Read(_npy, path);
            var type = NpyDType.Parse(header.Descr, path);
            bool shapeOk = header.Shape.Length == 1 || (header.Shape.Length == 2 && header.Shape[1] == 1);
            if (!shapeOk)
            {
                throw new DataFormatException(path, $"shape {header.ShapeText} has {header.Shape.Length} dimension(s); expected a 1-D label array (n,)");
            }

            header.RequireExactData(_npy.Length, type.Size, path);
            TotalRows = header.Shape[0];
            _type = type;
            _bytes = new byte[1 << 16];
            _values = new double[_bytes.Length / type.Size];
        }
        catch
        {
            _npy.Dispose();
            throw;
        }
    }

    /// <summary>The label file.</summary>
    public string FilePath { get; }

    /// <summary>Number of labels when the format states it up front (NPY); null for CSV.</summary>
    public long? TotalRows { get; }

    /// <summary>Labels read so far.</summary>
    public long RowsRead { get; private set; }

    /// <summary>Opens a <c>.csv</c> or <c>.npy</c> label file.</summary>
    /// <param name="path">The label file.</param>
    /// <param name="classes">When given, every label must lie in <c>[0, classes)</c>.</param>
    /// <exception cref="DataFormatException">A malformed NPY header.</exception>
    public static LabelReader Open(string path, int? classes = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        return new LabelReader(path, classes);
    }

    /// <summary>Fills <paramref name="destination"/> with the next labels; returns how many were written (0 at the end of the file).</summary>
    /// <exception cref="DataFormatException">A bad label, line or row, or a file with no labels at all.</exception>
    public int Read(Span<int> destination)
    {
        int count = _csv is not null ? ReadCsv(destination) : ReadNpy(destination);
        RowsRead += count;
        if (count == 0 && destination.Length > 0 && RowsRead == 0)
        {
            throw new DataFormatException(FilePath, _csv is not null && _first ? "the file is empty; expected one label per line" : "no labels");
        }

        return count;
    }

    /// <inheritdoc />
    public void Dispose()
    {
        _csv?.Dispose();
        _npy?.Dispose();
    }

    private int ReadCsv(Span<int> destination)
    {
        int count = 0;
        while (count < destination.Length && _csv!.TryReadLine(out var line))
        {
            int n = _csv.LineNumber;
            if (CsvText.IsBlank(line))
            {
                if (_first)
                {
                    throw new DataFormatException(FilePath, "the first line is empty; expected a header or a label", line: n);
                }

                _firstBlank = _firstBlank == 0 ? n : _firstBlank;
                continue;
            }

            if (_firstBlank > 0)
            {
                throw new DataFormatException(FilePath, "empty line; blank lines are only allowed at the end of the file", line: _firstBlank);
            }

            if (_first && CsvText.LooksBinary(line))
            {
                throw new DataFormatException(FilePath, "binary data, not CSV text (an NPY file needs the .npy extension)", line: n);
            }

            int fields = CsvText.FieldCount(line);
            if (fields != 1)
            {
                throw new DataFormatException(FilePath, $"{fields} columns, expected 1 (one label per line)", line: n);
            }

            if (!CsvText.TryParseNumber(line, out double value))
            {
                if (_first)
                {
                    _first = false;
                    continue; // header line
                }

                throw new DataFormatException(FilePath, CsvText.NotANumber(line), line: n, column: 1);
            }

            _first = false;
            if (!(value == Math.Floor(value)) || value > int.MaxValue || value < int.MinValue)
            {
                throw new DataFormatException(FilePath, $"'{line.Trim()}' is not an integer label", line: n, column: 1);
            }

            Validate((int)value, line: n, row: null);
            destination[count++] = (int)value;
        }

        return count;
    }

    private int ReadNpy(Span<int> destination)
    {
        int count = (int)Math.Min(Math.Min(destination.Length, _values!.Length), TotalRows!.Value - RowsRead);
        if (count <= 0)
        {
            return 0;
        }

        var bytes = _bytes.AsSpan(0, count * _type!.Size);
        if (_npy!.ReadAtLeast(bytes, bytes.Length, throwOnEndOfStream: false) < bytes.Length)
        {
            throw new DataFormatException(FilePath, "truncated data (the file changed while being read)");
        }

        _type.Decode(bytes, _values.AsSpan(0, count));
        for (int i = 0; i < count; i++)
        {
            double value = _values[i];
            long row = RowsRead + i + 1;
            int reported = (int)Math.Min(row, int.MaxValue);
            if (!(value == Math.Floor(value)) || value > int.MaxValue || value < int.MinValue)
            {
                throw new DataFormatException(FilePath, $"{CsvText.Format(value)} is not an integer label", row: reported);
            }

            Validate((int)value, line: null, row: reported);
            destination[i] = (int)value;
        }

        return count;
    }

    private void Validate(int label, int? line, int? row)
    {
        if (label < 0)
        {
            throw new DataFormatException(FilePath, $"label {label} is negative", line: line, row: row);
        }

        if (_classes is int k && label >= k)
        {
            throw new DataFormatException(FilePath, $"label {label} is outside [0, {k - 1}] ({k} classes)", line: line, row: row);
        }
    }
}
