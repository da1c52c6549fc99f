using CredalDistill.IO;
using Parquet;
using Parquet.Schema;

namespace CredalDistill.Cli.Formats;

/// <summary>
/// Apache Parquet <see cref="MatrixWriter"/>: one required <c>double</c> column per numeric column (named by the
/// header) and, when asked, a trailing <c>string</c> column; rows are buffered into row groups of
/// <see cref="RowGroupRows"/> rows (Snappy-compressed), so memory is one row group whatever the file's length.
/// </summary>
internal sealed class ParquetMatrixWriter : MatrixWriter
{
    /// <summary>Rows per row group (65,536: the CLI's chunk size).</summary>
    public const int RowGroupRows = 1 << 16;

    private readonly DataField<double>[] _fields;
    private readonly DataField<string>? _textField;
    private readonly ParquetWriter _writer;
    private readonly double[][] _columns;
    private readonly string[] _texts;
    private int _buffered;

    public ParquetMatrixWriter(string path, IReadOnlyList<string> header, string? textColumn, int rowGroupRows = RowGroupRows)
        : base(path, header, textColumn)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(rowGroupRows);
        _fields = [.. header.Select(name => new DataField<double>(name))];
        _textField = textColumn is null ? null : new DataField<string>(textColumn);
        var schema = new ParquetSchema(_textField is null ? [.. _fields] : [.. _fields, _textField]);
        _writer = ParquetWriter.CreateAsync(schema, Stream, ParquetMatrixReader.BoundedOptions()).GetAwaiter().GetResult();
        _columns = [.. _fields.Select(_ => new double[rowGroupRows])];
        _texts = textColumn is null ? [] : new string[rowGroupRows];
    }

    protected override void WriteRowsCore(int rows, ReadOnlySpan<double> values, ReadOnlySpan<string> texts)
    {
        int columns = Columns;
        int capacity = Math.Max(_texts.Length, _columns.Length == 0 ? 0 : _columns[0].Length);
        int done = 0;
        while (done < rows)
        {
            int take = Math.Min(rows - done, capacity - _buffered);
            for (int k = 0; k < columns; k++)
            {
                var column = _columns[k];
                for (int i = 0; i < take; i++)
                {
                    column[_buffered + i] = values[((done + i) * columns) + k];
                }
            }

            if (_textField is not null)
            {
                texts.Slice(done, take).CopyTo(_texts.AsSpan(_buffered));
            }

            _buffered += take;
            done += take;
            if (_buffered == capacity)
            {
                FlushGroup();
            }
        }
    }

    protected override void Complete()
    {
        if (_buffered > 0)
        {
            FlushGroup();
        }

        // Disposing the Parquet writer writes the footer. Without Complete (a failure, Ctrl-C) it is never written and the
        // base class deletes the temporary file.
        _writer.DisposeAsync().AsTask().GetAwaiter().GetResult();
    }

    private void FlushGroup()
    {
        using (var group = _writer.CreateRowGroup())
        {
            for (int k = 0; k < _fields.Length; k++)
            {
                group.WriteAsync<double>(_fields[k], _columns[k].AsMemory(0, _buffered)).GetAwaiter().GetResult();
            }

            if (_textField is not null)
            {
                group.WriteAsync(_textField, new ArraySegment<string>(_texts, 0, _buffered)).GetAwaiter().GetResult();
            }

            group.CompleteValidate();
        }

        _buffered = 0;
    }
}
