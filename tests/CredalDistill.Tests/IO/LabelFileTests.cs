using CredalDistill.IO;

namespace CredalDistill.Tests.IO;

public sealed class LabelFileTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    [Theory]
    [InlineData("label\n2\n0\n1\n")]
    [InlineData("2\n0\n1")]
    [InlineData("y\r\n2\r\n0.0\r\n1e0\r\n\r\n")]
    public void Reads_csv_labels_with_or_without_header(string content)
    {
        string p = _dir.WriteText("labels.csv", content);
        Assert.Equal(new[] { 2, 0, 1 }, LabelFile.Read(p));
    }

    [Theory]
    [InlineData("label\n1\n2.5\n", "labels.csv line 3, column 1: '2.5' is not an integer label")]
    [InlineData("label\n1\nx\n", "labels.csv line 3, column 1: 'x' is not a number")]
    [InlineData("1\n-1\n", "labels.csv line 2: label -1 is negative")]
    [InlineData("1,2\n", "labels.csv line 1: 2 columns, expected 1 (one label per line)")]
    [InlineData("", "labels.csv: the file is empty; expected one label per line")]
    [InlineData("label\n", "labels.csv: no labels")]
    [InlineData("1\n3\n", "labels.csv line 2: label 3 is outside [0, 2] (3 classes)")]
    public void Refuses_bad_csv_labels(string content, string message)
    {
        string p = _dir.WriteText("labels.csv", content);
        var ex = Assert.Throws<DataFormatException>(() => LabelFile.Read(p, classes: 3));
        Assert.Equal(message, ex.Message);
    }

    [Fact]
    public void Reads_npy_int32_int64_and_uint8_labels()
    {
        string a = _dir.WriteBytes("a.npy", NpyBytes.Build(NpyBytes.Dict("<i4", "(3,)"), NpyBytes.Int32(2, 0, 1)));
        string b = _dir.WriteBytes("b.npy", NpyBytes.Build(NpyBytes.Dict("<i8", "(3,)"), NpyBytes.Int64(2, 0, 1)));
        string c = _dir.WriteBytes("c.npy", NpyBytes.Build(NpyBytes.Dict("|u1", "(3,)"), [2, 0, 1]));
        string d = _dir.WriteBytes("d.npy", NpyBytes.Build(NpyBytes.Dict("<i8", "(3, 1)"), NpyBytes.Int64(2, 0, 1)));
        foreach (string p in new[] { a, b, c, d })
        {
            Assert.Equal(new[] { 2, 0, 1 }, LabelFile.Read(p));
        }
    }

    [Fact]
    public void Refuses_bad_npy_labels()
    {
        string f = _dir.WriteBytes("f.npy", NpyBytes.Build(NpyBytes.Dict("<f8", "(2,)"), NpyBytes.Float64(1, 1.5)));
        Assert.Equal("f.npy row 2: 1.5 is not an integer label", Assert.Throws<DataFormatException>(() => LabelFile.Read(f)).Message);

        string c = _dir.WriteBytes("c.npy", NpyBytes.Build(NpyBytes.Dict("<c8", "(1,)"), NpyBytes.Float64(1)));
        Assert.Equal("c.npy: dtype '<c8' is complex; expected real numbers (probabilities, logits or labels)", Assert.Throws<DataFormatException>(() => LabelFile.Read(c)).Message);

        string m = _dir.WriteBytes("m.npy", NpyBytes.Build(NpyBytes.Dict("<i4", "(2, 2)"), NpyBytes.Int32(1, 2, 3, 4)));
        Assert.Equal("m.npy: shape (2, 2) has 2 dimension(s); expected a 1-D label array (n,)", Assert.Throws<DataFormatException>(() => LabelFile.Read(m)).Message);

        string r = _dir.WriteBytes("r.npy", NpyBytes.Build(NpyBytes.Dict("<i8", "(2,)"), NpyBytes.Int64(1, 7)));
        Assert.Equal("r.npy row 2: label 7 is outside [0, 4] (5 classes)", Assert.Throws<DataFormatException>(() => LabelFile.Read(r, classes: 5)).Message);

        string t = _dir.WriteBytes("t.npy", NpyBytes.Build(NpyBytes.Dict("<i4", "(3,)"), NpyBytes.Int32(1, 2)));
        Assert.StartsWith("t.npy: truncated data", Assert.Throws<DataFormatException>(() => LabelFile.Read(t)).Message);
    }

    [Fact]
    public void Labels_round_trip_in_both_formats()
    {
        int[] labels = [0, 9, 3, 3, 1];
        foreach (string name in new[] { "l.csv", "l.npy" })
        {
            string p = _dir.File(name);
            LabelFile.Write(p, labels);
            Assert.Equal(labels, LabelFile.Read(p));
        }

        Assert.Equal("label\n0\n9\n3\n3\n1\n", File.ReadAllText(_dir.File("l.csv")));
    }

    [Theory]
    [InlineData("l.csv", 1)]
    [InlineData("l.csv", 7)]
    [InlineData("l.npy", 3)]
    [InlineData("l.npy", 5000)]
    public void Chunked_reading_gives_the_whole_file_and_names_the_bad_row(string name, int chunk)
    {
        var labels = Enumerable.Range(0, 2500).Select(i => (i * 7) % 5).ToArray();
        string p = _dir.File(name);
        LabelFile.Write(p, labels);
        using (var reader = LabelReader.Open(p, 5))
        {
            Assert.Equal(name.EndsWith(".npy", StringComparison.Ordinal) ? 2500 : null, reader.TotalRows);
            var read = new List<int>();
            var buffer = new int[chunk];
            int count;
            while ((count = reader.Read(buffer)) > 0)
            {
                read.AddRange(buffer[..count]);
            }

            Assert.Equal(labels, read);
            Assert.Equal(2500, reader.RowsRead);
        }

        // A label out of range is found in the chunk that holds it, with its line (CSV, after the header) or row (NPY).
        labels[1234] = 5;
        LabelFile.Write(p, labels);
        using var bad = LabelReader.Open(p, 5);
        var chunkBuffer = new int[chunk];
        var ex = Assert.Throws<DataFormatException>(() =>
        {
            while (bad.Read(chunkBuffer) > 0)
            {
            }
        });
        Assert.Contains(name.EndsWith(".npy", StringComparison.Ordinal) ? "row 1235" : "line 1236", ex.Message, StringComparison.Ordinal);
        Assert.Contains("outside [0, 4]", ex.Message, StringComparison.Ordinal);
    }
}
