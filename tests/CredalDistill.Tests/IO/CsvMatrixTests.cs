using System.Globalization;
using System.Text;
using CredalDistill.IO;

namespace CredalDistill.Tests.IO;

public sealed class CsvMatrixTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public void Reads_csv_without_header()
    {
        string p = _dir.WriteText("m.csv", "0.1,0.9\n0.5,0.5\n");
        var m = MatrixFile.Read(p);
        Assert.Equal(2, m.Rows);
        Assert.Equal(2, m.Columns);
        Assert.Null(m.Header);
        Assert.Equal(new[] { 0.1, 0.9, 0.5, 0.5 }, m.Data);
    }

    [Fact]
    public void Reads_csv_with_header_crlf_spaces_and_trailing_blank_lines()
    {
        string p = _dir.WriteText("m.csv", "cat, \"dog\" ,bird\r\n 1e-3 ,0.5,-2\r\n3,4.25,5E2\r\n\r\n\n");
        var (data, rows, columns, header) = MatrixFile.Read(p);
        Assert.Equal(2, rows);
        Assert.Equal(3, columns);
        Assert.Equal(new[] { "cat", "dog", "bird" }, header);
        Assert.Equal(new[] { 0.001, 0.5, -2, 3, 4.25, 500 }, data);
    }

    [Fact]
    public void Reads_file_without_final_newline()
    {
        string p = _dir.WriteText("m.csv", "a,b\n1,2\n3,4");
        var m = MatrixFile.Read(p);
        Assert.Equal(new double[] { 1, 2, 3, 4 }, m.Data);
    }

    [Fact]
    public void Bad_number_names_file_line_and_column()
    {
        var sb = new StringBuilder("p0,p1,p2\n");
        for (int i = 0; i < 15; i++)
        {
            sb.Append("0.2,0.3,0.5\n");
        }

        sb.Append("0.2,0.3,abc\n");
        string p = _dir.WriteText("edge.csv", sb.ToString());
        var ex = Assert.Throws<DataFormatException>(() => MatrixFile.Read(p));
        Assert.Equal("edge.csv line 17, column 3: 'abc' is not a number", ex.Message);
        Assert.Equal(17, ex.Line);
        Assert.Equal(16, ex.Row);
        Assert.Equal(3, ex.Column);
        Assert.Equal(p, ex.FilePath);
    }

    [Fact]
    public void Empty_field_is_reported()
    {
        string p = _dir.WriteText("edge.csv", "1,2\n3,\n");
        var ex = Assert.Throws<DataFormatException>(() => MatrixFile.Read(p));
        Assert.Equal("edge.csv line 2, column 2: empty value; expected a number", ex.Message);
    }

    [Fact]
    public void Ragged_rows_are_reported_with_the_reference_line()
    {
        string p = _dir.WriteText("edge.csv", "1,2,3\n1,2,3\n1,2,3\n1,2,3\n1,2,3\n1,2,3\n1,2,3\n1,2,3\n1,2,3,4\n");
        var ex = Assert.Throws<DataFormatException>(() => MatrixFile.Read(p));
        Assert.Equal("edge.csv line 9: 4 columns, expected 3 (from line 1)", ex.Message);
        Assert.Equal(9, ex.Line);
        Assert.Null(ex.Column);
    }

    [Fact]
    public void Expected_columns_mismatch_is_reported()
    {
        string p = _dir.WriteText("edge.csv", "a,b\n1,2\n");
        var ex = Assert.Throws<DataFormatException>(() => MatrixFile.Read(p, expectedColumns: 3));
        Assert.Equal("edge.csv line 1: 2 columns, expected 3", ex.Message);
    }

    [Theory]
    [InlineData("", "edge.csv: the file is empty; expected a header or data row")]
    [InlineData("a,b,c\n", "edge.csv: a header but no data rows")]
    [InlineData("a,b\n\n1,2\n", "edge.csv line 2: empty line; blank lines are only allowed at the end of the file")]
    [InlineData("\n1,2\n", "edge.csv line 1: the first line is empty; expected a header or data row")]
    public void Empty_or_blank_content_is_refused(string content, string message)
    {
        string p = _dir.WriteText("edge.csv", content);
        var ex = Assert.Throws<DataFormatException>(() => MatrixFile.Read(p));
        Assert.Equal(message, ex.Message);
    }

    [Fact]
    public void First_line_mixing_names_and_numbers_is_data()
    {
        string p = _dir.WriteText("edge.csv", "a,1,2\n");
        var ex = Assert.Throws<DataFormatException>(() => MatrixFile.Read(p));
        Assert.Equal("edge.csv line 1, column 1: 'a' is not a number", ex.Message);
    }

    [Fact]
    public void Binary_or_invalid_utf8_content_gives_a_located_format_error()
    {
        string npy = _dir.WriteBytes("edge.csv", NpyBytes.Build(NpyBytes.Dict("<f8", "(1, 2)"), NpyBytes.Float64(0.5, 0.5)));
        Assert.Equal("edge.csv line 1: binary data, not CSV text (an NPY file needs the .npy extension)", Assert.Throws<DataFormatException>(() => MatrixFile.Read(npy)).Message);

        string latin1 = _dir.WriteBytes("l.csv", [(byte)'a', (byte)',', (byte)'b', (byte)'\n', (byte)'1', (byte)',', 0xE9, (byte)'\n']);
        Assert.Equal("l.csv line 2, column 2: '\uFFFD' is not a number", Assert.Throws<DataFormatException>(() => MatrixFile.Read(latin1)).Message);
    }

    [Fact]
    public void Unsupported_extension_lists_supported_ones()
    {
        string p = _dir.WriteText("edge.txt", "1,2\n");
        var ex = Assert.Throws<DataFormatException>(() => MatrixFile.Read(p));
        Assert.Equal("edge.txt: unsupported file type (extension '.txt'); supported extensions: .csv, .npy", ex.Message);
    }

    [Fact]
    public void Raw_read_accepts_nan_and_infinity_spellings()
    {
        string p = _dir.WriteText("m.csv", "NaN,inf,-Infinity,nan\n");
        var m = MatrixFile.Read(p);
        Assert.True(double.IsNaN(m.Data[0]));
        Assert.Equal(double.PositiveInfinity, m.Data[1]);
        Assert.Equal(double.NegativeInfinity, m.Data[2]);
        Assert.True(double.IsNaN(m.Data[3]));
    }

    [Theory]
    [InlineData("p0,p1\n0.5,0.5\n0.5,NaN\n", "cal.csv line 3, column 2: value NaN is not finite")]
    [InlineData("p0,p1\n0.5,0.5\ninf,0\n", "cal.csv line 3, column 1: value Infinity is not finite")]
    [InlineData("p0,p1\n0.5,0.5\n1.2,-0.2\n", "cal.csv line 3, column 2: probability -0.2 is negative")]
    [InlineData("0.5,0.5\n0.5,0.6\n", "cal.csv line 2: probabilities sum to 1.1, not 1 (tolerance 1E-06); renormalise or check the input")]
    [InlineData("p0\n1\n", "cal.csv: 1 column; a probability matrix needs at least 2 classes (one column per class)")]
    public void Probabilities_are_validated_with_file_line_and_column(string content, string message)
    {
        string p = _dir.WriteText("cal.csv", content);
        var ex = Assert.Throws<DataFormatException>(() => MatrixFile.ReadProbabilities(p));
        Assert.Equal(message, ex.Message);
    }

    [Fact]
    public void Probabilities_can_be_renormalised_or_given_as_logits()
    {
        string p = _dir.WriteText("cal.csv", "a,b\n1,3\n2,2\n");
        var r = MatrixFile.ReadProbabilities(p, renormalize: true);
        Assert.Equal(new[] { 0.25, 0.75, 0.5, 0.5 }, r.Data.ToArray());

        var l = MatrixFile.ReadProbabilities(p, logits: true);
        Assert.Equal(1 / (1 + Math.E * Math.E), l[0][0], 12);
        Assert.Equal(0.5, l[1][0], 15);

        string z = _dir.WriteText("zero.csv", "0,0\n");
        var ex = Assert.Throws<DataFormatException>(() => MatrixFile.ReadProbabilities(z, renormalize: true));
        Assert.Equal("zero.csv line 1: probabilities sum to 0; cannot renormalise", ex.Message);
    }

    [Fact]
    public void Logits_reject_non_finite_values()
    {
        string p = _dir.WriteText("logits.csv", "a,b\n1,3\n2,nan\n");
        var ex = Assert.Throws<DataFormatException>(() => MatrixFile.ReadProbabilities(p, logits: true));
        Assert.Equal("logits.csv line 3, column 2: value NaN is not finite", ex.Message);
    }

    [Fact]
    public void Write_then_read_round_trips_exactly()
    {
        var rng = new Random(7);
        var data = new double[50 * 4];
        for (int i = 0; i < data.Length; i++)
        {
            data[i] = (rng.NextDouble() - 0.5) * Math.Pow(10, rng.Next(-30, 30));
        }

        data[3] = double.Epsilon;
        data[4] = -0.0;
        data[5] = double.MaxValue;
        string p = _dir.File("out.csv");
        MatrixFile.Write(p, data, 50, 4, ["a", "b", "c", "d"]);
        var m = MatrixFile.Read(p);
        Assert.Equal(new[] { "a", "b", "c", "d" }, m.Header);
        Assert.Equal(data, m.Data);
        Assert.StartsWith("a,b,c,d\n", File.ReadAllText(p));
    }

    [Fact]
    public void Write_defaults_header_and_rejects_names_that_would_read_as_numbers()
    {
        string p = _dir.File("out.csv");
        MatrixFile.Write(p, [1, 2], 1, 2);
        Assert.Equal("c1,c2\n1,2\n", File.ReadAllText(p));
        Assert.Throws<ArgumentException>(() => MatrixFile.Write(p, [1, 2], 1, 2, ["a", "7"]));
        Assert.Throws<ArgumentException>(() => MatrixFile.Write(p, [1, 2], 1, 2, ["a", "b,c"]));
    }

    [Fact]
    public void Streaming_read_of_a_modest_file_is_correct()
    {
        const int rows = 100_000;
        const int cols = 10;
        string p = _dir.File("big.csv");
        using (var w = new StreamWriter(p))
        {
            w.Write(string.Join(",", Enumerable.Range(0, cols).Select(k => "p" + k)) + "\n");
            for (int i = 0; i < rows; i++)
            {
                for (int k = 0; k < cols; k++)
                {
                    if (k > 0)
                    {
                        w.Write(',');
                    }

                    w.Write(((i * 31 + k * 7) % 1000 / 1000.0).ToString("R", CultureInfo.InvariantCulture));
                }

                w.Write('\n');
            }
        }

        var m = MatrixFile.Read(p, expectedColumns: cols);
        Assert.Equal(rows, m.Rows);
        Assert.Equal(rows * cols, m.Data.Length);
        for (int i = 0; i < rows; i += 997)
        {
            for (int k = 0; k < cols; k++)
            {
                Assert.Equal((i * 31 + k * 7) % 1000 / 1000.0, m.Data[i * cols + k]);
            }
        }

        // Block streaming gives the same values.
        using var reader = MatrixReader.Open(p);
        var block = new double[4096 * cols];
        int total = 0;
        int read;
        while ((read = reader.ReadRows(block)) > 0)
        {
            Assert.Equal(m.Data.AsSpan(total * cols, read * cols).ToArray(), block.AsSpan(0, read * cols).ToArray());
            total += read;
        }

        Assert.Equal(rows, total);
        Assert.True(reader.EndOfData);
    }

    [Fact]
    public void Long_lines_beyond_the_buffer_are_read()
    {
        const int cols = 20_000;
        string line = string.Join(",", Enumerable.Range(0, cols).Select(k => (k * 0.5).ToString(CultureInfo.InvariantCulture)));
        string p = _dir.WriteText("wide.csv", line + "\n" + line + "\n");
        var m = MatrixFile.Read(p);
        Assert.Equal(2, m.Rows);
        Assert.Equal(cols, m.Columns);
        Assert.Equal(0.5 * (cols - 1), m.Data[^1]);
    }

    [Fact]
    public void Table_writer_quotes_text_cells()
    {
        string p = _dir.File("sets.csv");
        CsvTableWriter.WriteFile(p, ["lower", "set"], csv =>
        {
            csv.Write(0.25);
            csv.Write("0|2");
            csv.EndRow();
            csv.Write(1);
            csv.Write("a,\"b\"");
            csv.EndRow();
        });
        Assert.Equal("lower,set\n0.25,0|2\n1,\"a,\"\"b\"\"\"\n", File.ReadAllText(p));
    }
}
