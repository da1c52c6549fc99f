using CredalDistill.Cli.Formats;
using CredalDistill.IO;
using Parquet;
using Parquet.Schema;

namespace CredalDistill.Cli.Tests;

public sealed class ParquetTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public void Matrix_round_trips_bit_exactly_across_row_groups()
    {
        var (_, edge, _) = TempDirectory.Synthetic(100, 3, seed: 4);
        string path = _dir["m.parquet"];
        using (var writer = new ParquetMatrixWriter(path, ["p_0", "p_1", "p_2"], null, rowGroupRows: 16))
        {
            writer.WriteRows(9, edge.AsSpan(0, 27));
            writer.WriteRows(91, edge.AsSpan(27));
            writer.Commit();
        }

        using var reader = MatrixReader.Open(path, 3);
        Assert.Equal(100, reader.TotalRows);
        Assert.Equal(["p_0", "p_1", "p_2"], reader.Header);
        var block = new double[13 * 3];
        var back = new List<double>();
        int rows;
        while ((rows = reader.ReadRows(block)) > 0)
        {
            back.AddRange(block.AsSpan(0, rows * 3).ToArray());
        }

        Assert.Equal(edge, back);
        Assert.Single(Directory.GetFiles(_dir.Root));
    }

    [Fact]
    public async Task Text_column_is_a_string_column()
    {
        string path = _dir["t.parquet"];
        using (var writer = MatrixWriter.Create(path, ["lower_0"], "set"))
        {
            writer.WriteRows(2, [0.25, 0.5], ["0|1", "1"]);
            writer.Commit();
        }

        await using var reader = await ParquetReader.CreateAsync(path);
        Assert.Equal(["lower_0", "set"], reader.Schema.DataFields.Select(f => f.Name));
        using var group = reader.OpenRowGroupReader(0);
        var sets = new string?[2];
        await group.ReadAsync(reader.Schema.DataFields[1], sets.AsMemory());
        Assert.Equal(new string?[] { "0|1", "1" }, sets);
    }

    [Fact]
    public async Task Nullable_and_float_columns_are_read_and_a_null_names_row_and_column()
    {
        var a = new DataField<double?>("a");
        var b = new DataField<float>("b");
        string ok = await Write("ok.parquet", new ParquetSchema(a, b), [0.25, 0.5], [0.75f, 0.5f]);
        var m = MatrixFile.Read(ok);
        Assert.Equal([0.25, 0.75, 0.5, 0.5], m.Data);

        string bad = await Write("null.parquet", new ParquetSchema(a, b), [0.25, null], [0.75f, 0.5f]);
        var ex = Assert.Throws<DataFormatException>(() => MatrixFile.Read(bad));
        Assert.Equal(2, ex.Row);
        Assert.Equal(1, ex.Column);
        Assert.Contains("null", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Non_numeric_column_and_garbage_file_are_clear_data_errors()
    {
        var text = new DataField<string>("name");
        string path = _dir["s.parquet"];
        var x = new DataField<double>("x");
        await using (var stream = File.Create(path))
        {
            await using var writer = await ParquetWriter.CreateAsync(new ParquetSchema(x, text), stream);
            using var group = writer.CreateRowGroup();
            await group.WriteAsync<double>(x, new double[] { 1.0 }.AsMemory());
            await group.WriteAsync(text, ["a"]);
        }

        var ex = Assert.Throws<DataFormatException>(() => MatrixReader.Open(path));
        Assert.Equal(2, ex.Column);
        Assert.Contains("'name'", ex.Message, StringComparison.Ordinal);

        File.WriteAllText(_dir["g.parquet"], "this is not parquet at all, just text");
        var garbage = Assert.Throws<DataFormatException>(() => MatrixReader.Open(_dir["g.parquet"]));
        Assert.Contains("g.parquet", garbage.Message, StringComparison.Ordinal);
        Assert.Contains("Parquet", garbage.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Cli_maps_a_bad_parquet_input_to_exit_3()
    {
        var (cloud, edge, _) = TempDirectory.Synthetic(60, 3, seed: 2);
        string cal = _dir["cal.json"];
        var run = CliRun.Invoke("calibrate", "--cloud", _dir.WriteMatrix("c.csv", cloud, 3), "--edge", _dir.WriteMatrix("e.csv", edge, 3), "--epsilon", "0.1", "--out", cal);
        Assert.True(run.ExitCode == 0, run.ToString());
        File.WriteAllBytes(_dir["bad.parquet"], [(byte)'P', (byte)'A', (byte)'R', (byte)'1', 0, 0, 0, 0, (byte)'P', (byte)'A', (byte)'R', (byte)'1']);
        var bad = CliRun.Invoke("predict", "--calibration", cal, "--edge", _dir["bad.parquet"], "--out", _dir["out.parquet"]);
        Assert.True(bad.ExitCode == 3, bad.ToString());
        Assert.Contains("bad.parquet", bad.Stderr, StringComparison.Ordinal);
        Assert.False(File.Exists(_dir["out.parquet"]));
    }

    private async Task<string> Write(string name, ParquetSchema schema, double?[] a, float[] b)
    {
        string path = _dir[name];
        await using var stream = File.Create(path);
        await using var writer = await ParquetWriter.CreateAsync(schema, stream);
        using var group = writer.CreateRowGroup();
        await group.WriteAsync<double>(schema.DataFields[0], new ReadOnlyMemory<double?>(a));
        await group.WriteAsync<float>(schema.DataFields[1], new ReadOnlyMemory<float>(b));
        return path;
    }
}
