using System.Buffers.Binary;
using CredalDistill.IO;

namespace CredalDistill.Tests.IO;

/// <summary>
/// Every numeric NPY dtype NumPy writes for a matrix or label array, from byte-exact fixtures built here: Fortran
/// order, both byte orders, float16, integers and bool.
/// </summary>
public sealed class NpyDTypeTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public void Fortran_order_is_the_same_matrix_transposed_on_read()
    {
        // np.save(f, np.asfortranarray([[1., 2., 3.], [4., 5., 6.]])) stores the columns one after the other.
        string c = _dir.WriteBytes("c.npy", NpyBytes.Build(NpyBytes.Dict("<f8", "(2, 3)"), NpyBytes.Float64(1, 2, 3, 4, 5, 6)));
        string f = _dir.WriteBytes("f.npy", NpyBytes.Build(NpyBytes.Dict("<f8", "(2, 3)", fortran: true), NpyBytes.Float64(1, 4, 2, 5, 3, 6)));
        Assert.Equal(new double[] { 1, 2, 3, 4, 5, 6 }, MatrixFile.Read(f).Data);
        Assert.Equal(MatrixFile.Read(c).Data, MatrixFile.Read(f).Data);
    }

    [Fact]
    public void Fortran_order_streams_in_blocks_across_buffer_boundaries()
    {
        const int rows = 20_011;
        const int columns = 3;
        var columnMajor = new double[rows * columns];
        for (int j = 0; j < columns; j++)
        {
            for (int i = 0; i < rows; i++)
            {
                columnMajor[(j * rows) + i] = (i * 10.0) + j;
            }
        }

        string p = _dir.WriteBytes("f.npy", NpyBytes.Build(NpyBytes.Dict("<f8", $"({rows}, {columns})", fortran: true), NpyBytes.Float64(columnMajor)));
        using var reader = MatrixReader.Open(p);
        var block = new double[777 * columns];
        int row = 0;
        int read;
        while ((read = reader.ReadRows(block)) > 0)
        {
            for (int i = 0; i < read; i++, row++)
            {
                for (int j = 0; j < columns; j++)
                {
                    Assert.Equal((row * 10.0) + j, block[(i * columns) + j]);
                }
            }
        }

        Assert.Equal(rows, row);
    }

    [Fact]
    public void Big_endian_float64_and_float32_fixtures()
    {
        // 0.25 = 0x3FD0000000000000 and 0.75 = 0x3FE8000000000000 (IEEE 754), most significant byte first.
        byte[] f8 = [0x3F, 0xD0, 0, 0, 0, 0, 0, 0, 0x3F, 0xE8, 0, 0, 0, 0, 0, 0];
        string a = _dir.WriteBytes("a.npy", NpyBytes.Build(NpyBytes.Dict(">f8", "(1, 2)"), f8));
        Assert.Equal(new[] { 0.25, 0.75 }, MatrixFile.Read(a).Data);

        // 0.25f = 0x3E800000 and 0.75f = 0x3F400000.
        byte[] f4 = [0x3E, 0x80, 0, 0, 0x3F, 0x40, 0, 0];
        string b = _dir.WriteBytes("b.npy", NpyBytes.Build(NpyBytes.Dict(">f4", "(1, 2)"), f4));
        Assert.Equal(new[] { 0.25, 0.75 }, MatrixFile.ReadProbabilities(b).Row(0).ToArray());
    }

    [Fact]
    public void Half_precision_fixture_in_both_byte_orders()
    {
        // float16: 0.25 = 0x3400, 0.75 = 0x3A00, -2 = 0xC000, 65504 (largest) = 0x7BFF.
        byte[] little = [0x00, 0x34, 0x00, 0x3A, 0x00, 0xC0, 0xFF, 0x7B];
        byte[] big = [0x34, 0x00, 0x3A, 0x00, 0xC0, 0x00, 0x7B, 0xFF];
        double[] expected = [0.25, 0.75, -2, 65504];
        Assert.Equal(expected, MatrixFile.Read(_dir.WriteBytes("l.npy", NpyBytes.Build(NpyBytes.Dict("<f2", "(2, 2)"), little))).Data);
        Assert.Equal(expected, MatrixFile.Read(_dir.WriteBytes("b.npy", NpyBytes.Build(NpyBytes.Dict(">f2", "(2, 2)"), big))).Data);
    }

    [Theory]
    [InlineData('i', 1)]
    [InlineData('i', 2)]
    [InlineData('i', 4)]
    [InlineData('i', 8)]
    [InlineData('u', 1)]
    [InlineData('u', 2)]
    [InlineData('u', 4)]
    [InlineData('u', 8)]
    public void Integer_dtypes_in_both_byte_orders_are_read_as_numbers(char kind, int size)
    {
        // A one-hot matrix with a value at the extreme of the type in the last row.
        long extreme = kind == 'i' ? -(1L << ((8 * size) - 1)) : (size == 8 ? long.MaxValue : (1L << (8 * size)) - 1);
        long[] values = [0, 1, 1, 0, extreme, 1];
        foreach (char order in new[] { '<', '>' })
        {
            string descr = size == 1 ? $"|{kind}1" : $"{order}{kind}{size}";
            var data = new byte[values.Length * size];
            for (int i = 0; i < values.Length; i++)
            {
                Encode(values[i], data.AsSpan(i * size, size), order == '>');
            }

            string p = _dir.WriteBytes($"m-{order}.npy", NpyBytes.Build(NpyBytes.Dict(descr, "(3, 2)"), data));
            Assert.Equal(values.Select(v => (double)v).ToArray(), MatrixFile.Read(p).Data);

            string l = _dir.WriteBytes($"l-{order}.npy", NpyBytes.Build(NpyBytes.Dict(descr, "(4,)"), data[..(4 * size)]));
            Assert.Equal(new[] { 0, 1, 1, 0 }, LabelFile.Read(l, classes: 2));
        }
    }

    [Fact]
    public void Bool_one_hot_matrix_and_labels()
    {
        string m = _dir.WriteBytes("m.npy", NpyBytes.Build(NpyBytes.Dict("|b1", "(2, 3)"), [0, 1, 0, 1, 0, 0]));
        var probs = MatrixFile.ReadProbabilities(m);
        Assert.Equal(new double[] { 0, 1, 0, 1, 0, 0 }, probs.Row(0).ToArray().Concat(probs.Row(1).ToArray()).ToArray());
        string l = _dir.WriteBytes("l.npy", NpyBytes.Build(NpyBytes.Dict("|b1", "(3,)"), [1, 0, 1]));
        Assert.Equal(new[] { 1, 0, 1 }, LabelFile.Read(l));
    }

    [Fact]
    public void Fortran_order_labels_of_shape_n_by_1_are_read()
    {
        string p = _dir.WriteBytes("l.npy", NpyBytes.Build(NpyBytes.Dict(">i4", "(3, 1)", fortran: true), [0, 0, 0, 2, 0, 0, 0, 0, 0, 0, 0, 1]));
        Assert.Equal(new[] { 2, 0, 1 }, LabelFile.Read(p));
    }

    [Fact]
    public void Integer_label_out_of_int32_range_is_refused()
    {
        string p = _dir.WriteBytes("l.npy", NpyBytes.Build(NpyBytes.Dict("<i8", "(1,)"), NpyBytes.Int64(1L << 40)));
        Assert.Equal("l.npy row 1: 1099511627776 is not an integer label", Assert.Throws<DataFormatException>(() => LabelFile.Read(p)).Message);
    }

    private static void Encode(long value, Span<byte> target, bool bigEndian)
    {
        switch (target.Length)
        {
            case 1:
                target[0] = (byte)value;
                break;
            case 2 when bigEndian:
                BinaryPrimitives.WriteUInt16BigEndian(target, (ushort)value);
                break;
            case 2:
                BinaryPrimitives.WriteUInt16LittleEndian(target, (ushort)value);
                break;
            case 4 when bigEndian:
                BinaryPrimitives.WriteUInt32BigEndian(target, (uint)value);
                break;
            case 4:
                BinaryPrimitives.WriteUInt32LittleEndian(target, (uint)value);
                break;
            case 8 when bigEndian:
                BinaryPrimitives.WriteInt64BigEndian(target, value);
                break;
            default:
                BinaryPrimitives.WriteInt64LittleEndian(target, value);
                break;
        }
    }
}
