using System.Text;
using CredalDistill.IO;

namespace CredalDistill.Tests.IO;

public sealed class MatrixWriterTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    private static double[] Values(int rows, int columns, int seed)
    {
        var rng = new Random(seed);
        return [.. Enumerable.Range(0, rows * columns).Select(_ => (rng.NextDouble() * 2) - 0.5)];
    }

    [Theory]
    [InlineData("m.npy")]
    [InlineData("m.csv")]
    public void Rows_written_in_uneven_chunks_read_back_exactly(string name)
    {
        const int columns = 3;
        var data = Values(1000, columns, 1);
        string path = _dir.File(name);
        using (var writer = MatrixWriter.Create(path, ["a", "b", "c"]))
        {
            int row = 0;
            foreach (int chunk in new[] { 1, 7, 0, 500, 492 })
            {
                writer.WriteRows(chunk, data.AsSpan(row * columns, chunk * columns));
                row += chunk;
            }

            Assert.Equal(1000, writer.RowsWritten);
            Assert.False(File.Exists(path));
            writer.Commit();
        }

        var back = MatrixFile.Read(path);
        Assert.Equal(1000, back.Rows);
        Assert.Equal(data, back.Data);
        Assert.Single(Directory.GetFiles(_dir.Path));
    }

    [Fact]
    public void Npy_header_holds_the_patched_row_count_and_stays_64_byte_aligned()
    {
        string path = _dir.File("m.npy");
        using (var writer = MatrixWriter.Create(path, ["x", "y"]))
        {
            writer.WriteRows(3, [1, 2, 3, 4, 5, 6]);
            writer.Commit();
        }

        var bytes = File.ReadAllBytes(path);
        int headerLength = bytes[8] | (bytes[9] << 8);
        Assert.Equal(0, (10 + headerLength) % 64);
        string header = Encoding.ASCII.GetString(bytes, 10, headerLength);
        Assert.Contains("'shape': (3, 2)", header, StringComparison.Ordinal);
        Assert.EndsWith("\n", header, StringComparison.Ordinal);
        Assert.Equal(10 + headerLength + (6 * 8), bytes.Length);
    }

    [Fact]
    public void Csv_text_column_follows_the_numbers()
    {
        string path = _dir.File("t.csv");
        using (var writer = MatrixWriter.Create(path, ["lo", "hi"], "set"))
        {
            writer.WriteRows(2, [0.25, 0.5, 0, 1], ["0|1", "1"]);
            writer.Commit();
        }

        Assert.Equal("lo,hi,set\n0.25,0.5,0|1\n0,1,1\n", File.ReadAllText(path));
    }

    [Fact]
    public void Uncommitted_writer_leaves_the_previous_file_and_no_temporary()
    {
        string path = _dir.WriteText("m.csv", "old\n");
        using (var writer = MatrixWriter.Create(path, ["a"]))
        {
            writer.WriteRows(2, [1.0, 2.0]);
        }

        Assert.Equal("old\n", File.ReadAllText(path));
        Assert.Single(Directory.GetFiles(_dir.Path));
    }

    [Fact]
    public void Mismatched_spans_and_npy_text_columns_are_refused()
    {
        using (var writer = MatrixWriter.Create(_dir.File("m.csv"), ["a", "b"]))
        {
            Assert.Throws<ArgumentException>(() => writer.WriteRows(2, [1.0, 2.0, 3.0]));
            Assert.Throws<ArgumentException>(() => writer.WriteRows(1, [1.0, 2.0], ["x"]));
        }

        Assert.Throws<NotSupportedException>(() => MatrixWriter.Create(_dir.File("m.npy"), ["a"], "set"));
        Assert.Throws<DataFormatException>(() => MatrixWriter.Create(_dir.File("m.txt"), ["a"]));
        Assert.Empty(Directory.GetFiles(_dir.Path));
    }

    [Fact]
    public void Chunked_probabilities_equal_the_whole_file_read()
    {
        const int k = 4;
        var rng = new Random(5);
        var data = new double[103 * k];
        for (int i = 0; i < 103; i++)
        {
            double sum = 0;
            for (int j = 0; j < k; j++)
            {
                data[(i * k) + j] = rng.NextDouble() + 0.01;
                sum += data[(i * k) + j];
            }

            for (int j = 0; j < k; j++)
            {
                data[(i * k) + j] /= sum;
            }
        }

        string path = _dir.File("p.csv");
        MatrixFile.Write(path, data, 103, k);
        var whole = MatrixFile.ReadProbabilities(path);
        using var chunks = new ProbabilityMatrixReader(MatrixReader.Open(path), chunkRows: 10);
        var seen = new List<double>();
        int count = 0;
        while (chunks.ReadChunk() is { } chunk)
        {
            Assert.Equal(count * 10, chunks.FirstRow);
            Assert.True(chunk.Rows <= 10);
            for (int i = 0; i < chunk.Rows; i++)
            {
                seen.AddRange(chunk.Row(i).ToArray());
            }

            count++;
        }

        Assert.Equal(11, count);
        Assert.Equal(whole.Row(0).Length * whole.Rows, seen.Count);
        for (int i = 0; i < whole.Rows; i++)
        {
            Assert.Equal(whole.Row(i).ToArray(), seen.Skip(i * k).Take(k).ToArray());
        }
    }

    [Fact]
    public void Bad_value_in_a_late_chunk_names_its_line_row_and_column()
    {
        var sb = new StringBuilder("a,b\n");
        for (int i = 0; i < 40; i++)
        {
            sb.Append(i == 32 ? "0.5,-0.5\n" : "0.5,0.5\n");
        }

        string path = _dir.WriteText("p.csv", sb.ToString());
        using var chunks = new ProbabilityMatrixReader(MatrixReader.Open(path), chunkRows: 8);
        var ex = Assert.Throws<DataFormatException>(() =>
        {
            while (chunks.ReadChunk() is not null)
            {
            }
        });
        Assert.Equal(34, ex.Line);
        Assert.Equal(33, ex.Row);
        Assert.Equal(2, ex.Column);
        Assert.Contains("negative", ex.Message, StringComparison.Ordinal);
    }
}
