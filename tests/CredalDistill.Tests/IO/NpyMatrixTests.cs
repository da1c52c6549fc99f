using CredalDistill.IO;

namespace CredalDistill.Tests.IO;

public sealed class NpyMatrixTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public void Reads_hand_built_v1_float64()
    {
        string p = _dir.WriteBytes("m.npy", NpyBytes.Build(NpyBytes.Dict("<f8", "(2, 3)"), NpyBytes.Float64(1, 2, 3, 4, 5, 6.5)));
        var m = MatrixFile.Read(p);
        Assert.Equal(2, m.Rows);
        Assert.Equal(3, m.Columns);
        Assert.Null(m.Header);
        Assert.Equal(new[] { 1, 2, 3, 4, 5, 6.5 }, m.Data);
    }

    [Fact]
    public void Reads_hand_built_v1_float32()
    {
        float[] values = [0.1f, 0.9f, 0.3f, 0.7f];
        string p = _dir.WriteBytes("m.npy", NpyBytes.Build(NpyBytes.Dict("<f4", "(2, 2)"), NpyBytes.Float32(values)));
        var m = MatrixFile.Read(p);
        Assert.Equal(values.Select(v => (double)v).ToArray(), m.Data);
        var probs = MatrixFile.ReadProbabilities(p, renormalize: true);
        Assert.Equal(2, probs.Rows);
    }

    [Theory]
    [InlineData(2)]
    [InlineData(3)]
    public void Reads_v2_and_v3_headers(byte major)
    {
        string dict = "{\"descr\": \"<f8\", \"fortran_order\": False, \"shape\": (1,2)}";
        string p = _dir.WriteBytes("m.npy", NpyBytes.Build(dict, NpyBytes.Float64(0.25, 0.75), major));
        Assert.Equal(new[] { 0.25, 0.75 }, MatrixFile.Read(p).Data);
    }

    [Theory]
    [InlineData("<c16", "(2, 2)", "cal.npy: dtype '<c16' is complex; expected real numbers (probabilities, logits or labels)")]
    [InlineData("|O", "(2, 2)", "cal.npy: dtype '|O' holds Python objects (reading them would need unpickling); expected a numeric array")]
    [InlineData("<U8", "(2, 2)", "cal.npy: dtype '<U8' holds strings; expected a numeric array")]
    [InlineData("<f16", "(2, 2)", "cal.npy: dtype '<f16' is an extended-precision float; expected float16, float32 or float64 ('<f2', '<f4', '<f8')")]
    [InlineData("<M8[ns]", "(2, 2)", "cal.npy: dtype '<M8[ns]' is a date/time type; expected a numeric array")]
    [InlineData("|V8", "(2, 2)", "cal.npy: dtype '|V8' is a void (structured or raw bytes) type; expected a plain numeric array")]
    [InlineData("<i3", "(2, 2)", "cal.npy: dtype '<i3' is not a supported NumPy type; expected a float ('f2', 'f4', 'f8'), integer ('i1'..'i8', 'u1'..'u8') or bool ('b1') type")]
    [InlineData("<f8", "(4,)", "cal.npy: shape (4,) has 1 dimension(s); expected a 2-D array (rows, columns)")]
    [InlineData("<f8", "(1, 2, 2)", "cal.npy: shape (1, 2, 2) has 3 dimension(s); expected a 2-D array (rows, columns)")]
    public void Refuses_non_numeric_dtypes_and_bad_ndim(string descr, string shape, string message)
    {
        string p = _dir.WriteBytes("cal.npy", NpyBytes.Build(NpyBytes.Dict(descr, shape), NpyBytes.Float64(1, 2, 3, 4)));
        var ex = Assert.Throws<DataFormatException>(() => MatrixFile.Read(p));
        Assert.Equal(message, ex.Message);
    }

    [Fact]
    public void Refuses_truncated_and_oversized_data()
    {
        string p = _dir.WriteBytes("cal.npy", NpyBytes.Build(NpyBytes.Dict("<f8", "(2, 2)"), NpyBytes.Float64(1, 2, 3)));
        var ex = Assert.Throws<DataFormatException>(() => MatrixFile.Read(p));
        Assert.Equal("cal.npy: truncated data: shape (2, 2) of '<f8' needs 32 bytes, the file has 24", ex.Message);

        string q = _dir.WriteBytes("more.npy", NpyBytes.Build(NpyBytes.Dict("<f8", "(1, 2)"), NpyBytes.Float64(1, 2, 3)));
        ex = Assert.Throws<DataFormatException>(() => MatrixFile.Read(q));
        Assert.Equal("more.npy: 8 unexpected bytes after the data of shape (1, 2)", ex.Message);
    }

    [Fact]
    public void Refuses_empty_non_npy_and_truncated_header()
    {
        string e = _dir.WriteBytes("e.npy", []);
        Assert.Equal("e.npy: the file is empty; expected an NPY array", Assert.Throws<DataFormatException>(() => MatrixFile.Read(e)).Message);

        string t = _dir.WriteText("t.npy", "0.1,0.9\n");
        Assert.Equal("t.npy: not an NPY file (missing the \\x93NUMPY magic string)", Assert.Throws<DataFormatException>(() => MatrixFile.Read(t)).Message);

        var full = NpyBytes.Build(NpyBytes.Dict("<f8", "(1, 2)"), NpyBytes.Float64(1, 2));
        string h = _dir.WriteBytes("h.npy", full[..40]);
        Assert.Contains("truncated NPY header", Assert.Throws<DataFormatException>(() => MatrixFile.Read(h)).Message);

        var bad = NpyBytes.Build("{'descr': '<f8', 'shape': (1, 2)}", NpyBytes.Float64(1, 2));
        string b = _dir.WriteBytes("b.npy", bad);
        Assert.Equal("b.npy: NPY header has no boolean 'fortran_order' entry", Assert.Throws<DataFormatException>(() => MatrixFile.Read(b)).Message);

        var v9 = NpyBytes.Build(NpyBytes.Dict("<f8", "(1, 2)"), NpyBytes.Float64(1, 2));
        v9[6] = 9;
        string v = _dir.WriteBytes("v.npy", v9);
        Assert.Equal("v.npy: NPY format version 9.0 is not supported; expected 1.0, 2.0 or 3.0", Assert.Throws<DataFormatException>(() => MatrixFile.Read(v)).Message);
    }

    [Fact]
    public void Probability_errors_in_npy_name_the_row()
    {
        string p = _dir.WriteBytes("cal.npy", NpyBytes.Build(NpyBytes.Dict("<f8", "(2, 2)"), NpyBytes.Float64(0.5, 0.5, double.NaN, 1)));
        var ex = Assert.Throws<DataFormatException>(() => MatrixFile.ReadProbabilities(p));
        Assert.Equal("cal.npy row 2, column 1: value NaN is not finite", ex.Message);
        Assert.Null(ex.Line);
        Assert.Equal(2, ex.Row);
    }

    [Fact]
    public void Written_npy_is_a_valid_v1_file_and_round_trips()
    {
        var data = new double[] { 0.1, 0.2, 0.7, 1e-300, 0.5, -3 };
        string p = _dir.File("out.npy");
        MatrixFile.Write(p, data, 2, 3);
        byte[] bytes = File.ReadAllBytes(p);
        Assert.Equal(0x93, bytes[0]);
        Assert.Equal(1, bytes[6]);
        int headerLength = bytes[8] | (bytes[9] << 8);
        Assert.Equal(0, (10 + headerLength) % 64);
        string header = System.Text.Encoding.ASCII.GetString(bytes, 10, headerLength);
        Assert.StartsWith("{'descr': '<f8', 'fortran_order': False, 'shape': (2, 3), }", header);
        Assert.EndsWith("\n", header);
        Assert.Equal(data, MatrixFile.Read(p).Data);
    }

    [Fact]
    public void Float32_npy_round_trip_matches_widened_floats()
    {
        float[] values = [1e-7f, 0.33333334f, 123456.79f, -0.0f];
        string p = _dir.WriteBytes("f.npy", NpyBytes.Build(NpyBytes.Dict("<f4", "(2, 2)"), NpyBytes.Float32(values)));
        var m = MatrixFile.Read(p);
        string q = _dir.File("g.npy");
        MatrixFile.Write(q, m.Data, m.Rows, m.Columns);
        Assert.Equal(values.Select(v => (double)v).ToArray(), MatrixFile.Read(q).Data);
    }

    [Fact]
    public void Csv_and_npy_give_identical_doubles()
    {
        var rng = new Random(11);
        var data = new double[300 * 5];
        for (int i = 0; i < data.Length; i++)
        {
            data[i] = rng.NextDouble() * Math.Pow(2, rng.Next(-60, 60));
        }

        string csv = _dir.File("m.csv");
        string npy = _dir.File("m.npy");
        MatrixFile.Write(csv, data, 300, 5, ["a", "b", "c", "d", "e"]);
        MatrixFile.Write(npy, data, 300, 5);
        var fromCsv = MatrixFile.Read(csv);
        var fromNpy = MatrixFile.Read(npy);
        Assert.Equal(fromNpy.Data, fromCsv.Data);
        Assert.Equal(data, fromNpy.Data);
    }

    [Fact]
    public void Streaming_npy_blocks_match_the_whole_read()
    {
        var data = Enumerable.Range(0, 1003 * 3).Select(i => i * 0.5).ToArray();
        string p = _dir.File("s.npy");
        MatrixFile.Write(p, data, 1003, 3);
        using var reader = MatrixReader.Open(p, expectedColumns: 3);
        Assert.Equal(1003, reader.TotalRows);
        var block = new double[100 * 3 + 2];
        var all = new List<double>();
        int n;
        while ((n = reader.ReadRows(block)) > 0)
        {
            all.AddRange(block.Take(n * 3));
        }

        Assert.Equal(data, all);
        Assert.True(reader.EndOfData);
    }
}
