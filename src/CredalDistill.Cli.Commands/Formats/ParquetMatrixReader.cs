using System.Globalization;
using CredalDistill.IO;
using Parquet;
using Parquet.Schema;

namespace CredalDistill.Cli.Formats;

/// <summary>
/// Apache Parquet <see cref="MatrixReader"/>: a matrix is a table of flat <c>double</c> (or <c>float</c>) columns,
/// one per class, in schema order; the column names are the header. Row groups are the chunks: one row group is
/// decoded at a time (memory is one row group of <c>K</c> columns), then handed out row by row.
/// </summary>
internal sealed class ParquetMatrixReader : MatrixReader
{
    private readonly ParquetReader _reader;
    private readonly DataField[] _fields;
    private readonly int _totalRows;
    private double[][] _columns = [];
    private int _nextGroup;
    private int _groupRows;
    private int _groupPosition;
    private long _groupFirstRow;

    private ParquetMatrixReader(string path, ParquetReader reader, DataField[] fields, int totalRows)
        : base(path, fields.Length, [.. fields.Select(f => f.Name)])
    {
        _reader = reader;
        _fields = fields;
        _totalRows = totalRows;
    }

    /// <inheritdoc />
    public override int? TotalRows => _totalRows;

    /// <summary>
    /// Parquet.Net options whose pooled buffers may keep at most 16 MB (small) + 64 MB (large blocks) free; unset, its
    /// stream pool keeps every buffer it ever used, so memory would grow with the file instead of the row group.
    /// </summary>
    internal static ParquetOptions BoundedOptions() => new()
    {
        MaximumSmallPoolFreeBytes = 1 << 20,
        MaximumLargePoolFreeBytes = 8 << 20,
    };

    /// <inheritdoc />
    public override bool EndOfData => RowsRead >= _totalRows;

    /// <summary>Opens <paramref name="path"/> and checks its schema (flat numeric columns).</summary>
    /// <exception cref="DataFormatException">Not a Parquet file, a non-numeric, nested or repeated column, or a wrong column count.</exception>
    public static ParquetMatrixReader OpenParquet(string path, int? expectedColumns)
    {
        var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16);
        ParquetReader reader;
        try
        {
            reader = ParquetReader.CreateAsync(stream, BoundedOptions(), leaveStreamOpen: false).GetAwaiter().GetResult();
        }
        catch (Exception ex) when (IsFormatError(ex))
        {
            stream.Dispose();
            throw new DataFormatException(path, $"not a readable Parquet file ({ex.Message})", innerException: ex);
        }

        try
        {
            var fields = reader.Schema.DataFields;
            if (fields.Length == 0 || reader.Schema.Fields.Count != fields.Length)
            {
                throw new DataFormatException(path, "a matrix needs flat numeric columns; this Parquet schema is empty or nested");
            }

            for (int k = 0; k < fields.Length; k++)
            {
                var f = fields[k];
                if (f.IsArray || (f.ClrType != typeof(double) && f.ClrType != typeof(float)))
                {
                    throw new DataFormatException(path, $"column '{f.Name}' is {(f.IsArray ? "a list" : f.ClrType.Name)}; a matrix needs double (or float) columns", column: k + 1);
                }
            }

            if (expectedColumns is int e && fields.Length != e)
            {
                throw new DataFormatException(path, string.Create(CultureInfo.InvariantCulture, $"{fields.Length} columns; expected {e}"));
            }

            long total = reader.RowGroups.Sum(g => g.RowCount);
            if (total > int.MaxValue)
            {
                throw new DataFormatException(path, string.Create(CultureInfo.InvariantCulture, $"{total} rows; at most {int.MaxValue} rows per file (split the data into several files)"));
            }

            return new ParquetMatrixReader(path, reader, fields, (int)total);
        }
        catch
        {
            reader.DisposeAsync().AsTask().GetAwaiter().GetResult();
            throw;
        }
    }

    /// <inheritdoc />
    protected override int ReadRowsCore(Span<double> destination)
    {
        int columns = Columns;
        int capacity = destination.Length / columns;
        int rows = 0;
        while (rows < capacity)
        {
            if (_groupPosition == _groupRows && !LoadNextGroup())
            {
                break;
            }

            int take = Math.Min(capacity - rows, _groupRows - _groupPosition);
            for (int k = 0; k < columns; k++)
            {
                var column = _columns[k];
                for (int i = 0; i < take; i++)
                {
                    destination[((rows + i) * columns) + k] = column[_groupPosition + i];
                }
            }

            rows += take;
            _groupPosition += take;
        }

        return rows;
    }

    /// <inheritdoc />
    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _reader.DisposeAsync().AsTask().GetAwaiter().GetResult();
        }
    }

    /// <summary>Decodes the next non-empty row group into the column buffers; false at the end.</summary>
    private bool LoadNextGroup()
    {
        while (_nextGroup < _reader.RowGroupCount)
        {
            _groupFirstRow += _groupRows;
            using var group = _reader.OpenRowGroupReader(_nextGroup++);
            int n = (int)group.RowCount;
            _groupRows = n;
            _groupPosition = 0;
            if (n == 0)
            {
                continue;
            }

            if (_columns.Length == 0 || _columns[0].Length < n)
            {
                _columns = [.. Enumerable.Range(0, Columns).Select(_ => new double[n])];
            }

            for (int k = 0; k < Columns; k++)
            {
                ReadColumn(group, k, n);
            }

            return true;
        }

        _groupRows = 0;
        _groupPosition = 0;
        return false;
    }

    private void ReadColumn(ParquetRowGroupReader group, int k, int n)
    {
        var field = _fields[k];
        var target = _columns[k].AsMemory(0, n);
        try
        {
            if (field.ClrType == typeof(double) && !field.IsNullable)
            {
                group.ReadAsync(field, target).AsTask().GetAwaiter().GetResult();
                return;
            }

            if (field.ClrType == typeof(double))
            {
                var values = new double?[n];
                group.ReadAsync<double>(field, values.AsMemory()).AsTask().GetAwaiter().GetResult();
                CopyOrThrowOnNull(values, target.Span, k);
                return;
            }

            if (!field.IsNullable)
            {
                var values = new float[n];
                group.ReadAsync(field, values.AsMemory()).AsTask().GetAwaiter().GetResult();
                for (int i = 0; i < n; i++)
                {
                    target.Span[i] = values[i];
                }

                return;
            }

            var nullable = new float?[n];
            group.ReadAsync<float>(field, nullable.AsMemory()).AsTask().GetAwaiter().GetResult();
            CopyOrThrowOnNull(nullable, target.Span, k);
        }
        catch (Exception ex) when (IsFormatError(ex))
        {
            throw new DataFormatException(FilePath, $"row group {_nextGroup} cannot be decoded ({ex.Message})", row: (int)Math.Min(int.MaxValue, _groupFirstRow + 1), column: k + 1, innerException: ex);
        }
    }

    /// <summary>
    /// Parquet.Net reports corrupt or truncated files with many exception types (its own Thrift/Parquet exceptions,
    /// end of stream, invalid data, index errors): all are bad data, except what is not about the bytes.
    /// </summary>
    private static bool IsFormatError(Exception ex)
        => ex is not (OutOfMemoryException or OperationCanceledException or DataFormatException or UnauthorizedAccessException);

    private void CopyOrThrowOnNull<T>(T?[] values, Span<double> target, int k)
        where T : struct, IConvertible
    {
        for (int i = 0; i < values.Length; i++)
        {
            if (values[i] is not T v)
            {
                throw Error(_groupFirstRow + i, k, "missing value (null)");
            }

            target[i] = v.ToDouble(CultureInfo.InvariantCulture);
        }
    }
}
