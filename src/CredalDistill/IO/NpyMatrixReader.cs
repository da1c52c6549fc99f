using System.Buffers.Binary;

namespace CredalDistill.IO;

/// <summary>Streaming NPY implementation of <see cref="MatrixReader"/> (2-D little-endian float32/float64, C order).</summary>
internal sealed class NpyMatrixReader : MatrixReader
{
    private readonly FileStream _stream;
    private readonly int _rows;
    private readonly int _itemSize;
    private byte[] _buffer = new byte[1 << 16];

    private NpyMatrixReader(string path, FileStream stream, int rows, int columns, int itemSize)
        : base(path, columns, null)
    {
        _stream = stream;
        _rows = rows;
        _itemSize = itemSize;
    }

    public override int? TotalRows => _rows;

    public override bool EndOfData => RowsRead >= _rows;

    internal override int FirstDataLine => 0;

    public static NpyMatrixReader OpenNpy(string path, int? expectedColumns)
    {
        var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, FileOptions.SequentialScan);
        try
        {
            var header = NpyHeader.Read(stream, path);
            string? type = header.LittleEndianType();
            int itemSize = type switch
            {
                "f4" => 4,
                "f8" => 8,
                _ => 0,
            };
            if (itemSize == 0)
            {
                string why = type is null && header.Descr.Length > 1 && header.Descr[1..] is "f4" or "f8"
                    ? "is big-endian; expected little-endian float32 ('<f4') or float64 ('<f8')"
                    : "is not supported; expected float32 or float64 ('<f4' or '<f8')";
                throw new DataFormatException(path, $"dtype '{header.Descr}' {why}");
            }

            if (header.Shape.Length != 2)
            {
                throw new DataFormatException(path, $"shape {header.ShapeText} has {header.Shape.Length} dimension(s); expected a 2-D array (rows, columns)");
            }

            if (header.FortranOrder)
            {
                throw new DataFormatException(path, "Fortran (column-major) order is not supported; save a C-order array (e.g. numpy.ascontiguousarray)");
            }

            long rows = header.Shape[0];
            long columns = header.Shape[1];
            if (columns == 0)
            {
                throw new DataFormatException(path, $"shape {header.ShapeText} has no columns");
            }

            if (rows * columns > Array.MaxLength || rows > int.MaxValue)
            {
                throw new DataFormatException(path, $"shape {header.ShapeText} is too large to load ({rows * columns} values)");
            }

            if (expectedColumns is int expected && expected != columns)
            {
                throw new DataFormatException(path, $"{columns} columns, expected {expected}");
            }

            long needed = rows * columns * itemSize;
            long available = stream.Length - header.DataOffset;
            if (available < needed)
            {
                throw new DataFormatException(path, $"truncated data: shape {header.ShapeText} of '{header.Descr}' needs {needed} bytes, the file has {available}");
            }

            if (available > needed)
            {
                throw new DataFormatException(path, $"{available - needed} unexpected bytes after the data of shape {header.ShapeText}");
            }

            return new NpyMatrixReader(path, stream, (int)rows, (int)columns, itemSize);
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

    private protected override int ReadRowsCore(Span<double> destination)
    {
        int rows = Math.Min(destination.Length / Columns, _rows - RowsRead);
        int values = rows * Columns;
        int perChunk = _buffer.Length / _itemSize;
        int done = 0;
        while (done < values)
        {
            int count = Math.Min(perChunk, values - done);
            var bytes = _buffer.AsSpan(0, count * _itemSize);
            if (_stream.ReadAtLeast(bytes, bytes.Length, throwOnEndOfStream: false) < bytes.Length)
            {
                throw new DataFormatException(FilePath, "truncated data (the file changed while being read)");
            }

            var target = destination.Slice(done, count);
            if (_itemSize == 8)
            {
                for (int i = 0; i < count; i++)
                {
                    target[i] = BinaryPrimitives.ReadDoubleLittleEndian(bytes[(i * 8)..]);
                }
            }
            else
            {
                for (int i = 0; i < count; i++)
                {
                    target[i] = BinaryPrimitives.ReadSingleLittleEndian(bytes[(i * 4)..]);
                }
            }

            done += count;
        }

        return rows;
    }
}
