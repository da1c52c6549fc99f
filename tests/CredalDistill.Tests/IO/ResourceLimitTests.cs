using System.Text;
using CredalDistill.IO;

namespace CredalDistill.Tests.IO;

/// <summary>
/// Oversized inputs give a <see cref="DataFormatException"/> naming the documented limit (docs/RELIABILITY.md),
/// never an out-of-memory crash: sizes are checked against the file length and <see cref="InputLimits"/> first.
/// </summary>
public sealed class ResourceLimitTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public void A_100_MB_csv_line_is_refused_at_the_line_length_limit()
    {
        string p = _dir.File("long.csv");
        using (var stream = File.Create(p))
        {
            var chunk = Encoding.ASCII.GetBytes(string.Concat(Enumerable.Repeat("0.1,", 1 << 18)));
            for (long written = 0; written < 100L << 20; written += chunk.Length)
            {
                stream.Write(chunk);
            }
        }

        string expected = $"long.csv line 1: line of {InputLimits.MaxLineLength} or more characters; lines must be shorter (a documented limit)";
        Assert.Equal(expected, Assert.Throws<DataFormatException>(() => MatrixFile.Read(p)).Message);
        Assert.Equal(expected, Assert.Throws<DataFormatException>(() => LabelFile.Read(p)).Message);
    }

    [Fact]
    public void An_npy_header_claiming_ten_to_the_twelve_rows_is_refused_before_allocating()
    {
        string p = _dir.WriteBytes("huge.npy", NpyBytes.Build(NpyBytes.Dict("<f8", "(1000000000000, 10)"), NpyBytes.Float64(0.5, 0.5)));
        Assert.Equal("huge.npy: truncated data: shape (1000000000000, 10) of '<f8' needs 80000000000000 bytes, the file has 16", Assert.Throws<DataFormatException>(() => MatrixFile.Read(p)).Message);

        string l = _dir.WriteBytes("labels.npy", NpyBytes.Build(NpyBytes.Dict("<i8", "(1000000000000,)"), NpyBytes.Int64(1)));
        Assert.Equal("labels.npy: truncated data: shape (1000000000000,) of '<i8' needs 8000000000000 bytes, the file has 8", Assert.Throws<DataFormatException>(() => LabelFile.Read(l)).Message);

        // A product that overflows 64 bits is still compared correctly.
        string o = _dir.WriteBytes("overflow.npy", NpyBytes.Build(NpyBytes.Dict("<f8", "(9223372036854775807, 4)"), NpyBytes.Float64(1)));
        Assert.Equal("overflow.npy: truncated data: shape (9223372036854775807, 4) of '<f8' needs more than 2^63 bytes, the file has 8", Assert.Throws<DataFormatException>(() => MatrixFile.Read(o)).Message);
    }

    [Fact]
    public void Ten_million_classes_are_refused_in_npy_csv_and_artifacts()
    {
        string n = _dir.WriteBytes("k.npy", NpyBytes.Build(NpyBytes.Dict("<f8", "(1, 10000000)"), []));
        Assert.Equal($"k.npy: shape (1, 10000000) has 10000000 columns; at most {InputLimits.MaxColumns} are supported", Assert.Throws<DataFormatException>(() => MatrixFile.Read(n)).Message);

        string c = _dir.File("k.csv");
        using (var writer = new StreamWriter(c))
        {
            for (int k = 0; k < 10_000_000; k++)
            {
                writer.Write(k == 0 ? "0" : ",0");
            }

            writer.Write('\n');
        }

        Assert.Equal($"k.csv line 1: 10000000 columns; at most {InputLimits.MaxColumns} are supported", Assert.Throws<DataFormatException>(() => MatrixFile.Read(c)).Message);

        string a = _dir.File("k.json");
        CalibrationArtifact.Cdci(Divergences.Divergence.Parse("kl"), 0.1, 100, 10_000_000, 0.5, new ArtifactScoreSummary(0.1, 0.2, 0.3, 0.2)).Save(a);
        var ex = Assert.Throws<CalibrationArtifactException>(() => CalibrationArtifact.Load(a));
        Assert.Contains($"field 'classes' is 10000000; at most {InputLimits.MaxColumns} classes are supported", ex.Message);
    }
}
