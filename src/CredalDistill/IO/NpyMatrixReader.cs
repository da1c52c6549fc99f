namespace CredalDistill.IO;

/// <summary>
/// Streaming NPY implementation of <see cref="MatrixReader"/>: a 2-D array of any numeric <see cref="NpyDType"/>
/// in C (row-major) or Fortran (column-major) order. A Fortran-order file is the same matrix; its rows are gathered
/// column by column with one seek per column and block, so memory stays bounded by the caller's buffer.
/// </summary>
internal sealed class NpyMatrixReader : MatrixReader
{
    private readonly FileStream _stream;
    private readonly int _rows;
    private readonly NpyDType _type;
    private readonly bool _fortran;
    private readonly long _dataOffset;
    private byte[] _buffer = new byte[1 << 16];

    private NpyMatrixReader(string path, FileStream stream, int rows, int columns, NpyDType type, bool fortran, long dataOffset)
        : base(path, columns, null)
    {
        _stream = stream;
        _rows = rows;
        _type = type;
        _fortran = fortran;
        _dataOffset = dataOffset;
    }

    public override int? TotalRows => _rows;

    public override bool EndOfData => RowsRead >= _rows;

    public static NpyMatrixReader OpenNpy(string path, int? expectedColumns)
    {
        var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, FileOptions.SequentialScan);
        try
        {
            var header = NpyHeader.Read(stream, path);
            var type = NpyDType.Parse(header.Descr, path);
            if (header.Shape.Length != 2)
            {
                throw new DataFormatException(path, $"shape {header.ShapeText} has {header.Shape.Length} dimension(s); expected a 2-D array (rows, columns)");
            }

            long rows = header.Shape[0];
            long columns = header.Shape[1];
            if (columns == 0)
            {
                throw new DataFormatException(path, $"shape {header.ShapeText} has no columns");
            }

            if (columns > InputLimits.MaxColumns)
            {
                throw new DataFormatException(path, $"shape {header.ShapeText} has {columns} columns; at most {InputLimits.MaxColumns} are supported");
            }

            if (expectedColumns is int expected && expected != columns)
            {
                throw new DataFormatException(path, $"{columns} columns, expected {expected}");
            }

            header.RequireExactData(stream.Length, type.Size, path);
            if (rows > int.MaxValue)
            {
                throw new DataFormatException(path, $"shape {header.ShapeText} has more than {int.MaxValue} rows");
            }

            bool fortran = header.FortranOrder && rows > 1 && columns > 1;
            return new NpyMatrixReader(path, stream, (int)rows, (int)columns, type, fortran, header.DataOffset);
        }
        catch
        {
            stream.Dispose();
            throw;
        }
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _stream.Dispose();
            _buffer = [];
        }
    }

    protected override int ReadRowsCore(Span<double> destination)
    {
        int rows = Math.Min(destination.Length / Columns, _rows - RowsRead);
        if (_fortran)
        {
            for (int j = 0; j < Columns; j++)
            {
                _stream.Position = _dataOffset + ((((long)j * _rows) + RowsRead) * _type.Size);
                Read(rows, destination[j..], Columns);
            }
        }
        else
        {
            Read(rows * Columns, destination, 1);
        }

        return rows;
    }

    /// <summary>Reads <paramref name="count"/> consecutive elements into <c>destination[i * stride]</c>.</summary>
    private void Read(int count, Span<double> destination, int stride)
    {
        int perChunk = _buffer.Length / _type.Size;
        int done = 0;
        while (done < count)
        {
            int n = Math.Min(perChunk, count - done);
            var bytes = _buffer.AsSpan(0, n * _type.Size);
            if (_stream.ReadAtLeast(bytes, bytes.Length, throwOnEndOfStream: false) < bytes.Length)
            {
                throw new DataFormatException(FilePath, "truncated data (the file changed while being read)");
            }

            if (stride == 1)
            {
                _type.Decode(bytes, destination.Slice(done, n));
            }
            else
            {
                _type.DecodeStrided(bytes, n, destination[(done * stride)..], stride);
            }

            done += n;
        }
    }
}
