using System.Buffers.Binary;

namespace CredalDistill.IO;

/// <summary>
/// NPY <see cref="MatrixWriter"/> (version 1.0, little-endian float64, C order). The header is written first with
/// room for any row count and rewritten in place with the real count on completion, so rows stream straight to disk.
/// </summary>
internal sealed class NpyMatrixWriter : MatrixWriter
{
    private const string Descr = "<f8";
    private readonly byte[] _buffer = new byte[1 << 16];
    private readonly int _headerLength;

    public NpyMatrixWriter(string path, IReadOnlyList<string> header)
        : base(path, header, null)
    {
        var placeholder = NpyHeader.Build(Descr, [long.MaxValue, Columns]);
        _headerLength = placeholder.Length;
        Stream.Write(placeholder);
    }

    protected override void WriteRowsCore(int rows, ReadOnlySpan<double> values, ReadOnlySpan<string> texts)
    {
        int done = 0;
        while (done < values.Length)
        {
            int count = Math.Min(_buffer.Length / 8, values.Length - done);
            for (int i = 0; i < count; i++)
            {
                BinaryPrimitives.WriteDoubleLittleEndian(_buffer.AsSpan(i * 8), values[done + i]);
            }

            Stream.Write(_buffer, 0, count * 8);
            done += count;
        }
    }

    protected override void Complete()
    {
        var header = NpyHeader.Build(Descr, [RowsWritten, Columns], _headerLength);
        Stream.Flush();
        long end = Stream.Position;
        Stream.Position = 0;
        Stream.Write(header);
        Stream.Position = end;
    }
}
