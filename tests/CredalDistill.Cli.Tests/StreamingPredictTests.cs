using CredalDistill.Cli.Formats;
using CredalDistill.Cli.Services;
using CredalDistill.Credal;
using CredalDistill.Calibration;
using CredalDistill.IO;

namespace CredalDistill.Cli.Tests;

/// <summary>predict streams: chunk by chunk gives the bytes of the one-pass table, holds one chunk, writes nothing on failure.</summary>
public sealed class StreamingPredictTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    /// <summary>CD-CI (KL, eps 0.1) fitted on synthetic pairs; <paramref name="classes"/> columns.</summary>
    private static FittedCalibrator Predictor(int classes = 3)
    {
        var (cloud, edge, _) = TempDirectory.Synthetic(200, classes, seed: 5);
        return new CdciCalibrator().Fit(new CalibrationData(ProbabilityMatrix.FromProbabilities(cloud, classes), ProbabilityMatrix.FromProbabilities(edge, classes)));
    }

    [Theory]
    [InlineData(CalibratedOutput.Intersection, "csv")]
    [InlineData(CalibratedOutput.Bounds, "npy")]
    [InlineData(CalibratedOutput.All, "csv")]
    [InlineData(CalibratedOutput.All, "parquet")]
    [InlineData(CalibratedOutput.LabelSet, "parquet")]
    [InlineData(CalibratedOutput.Centroid, "parquet")]
    [InlineData(CalibratedOutput.Calibrated, "npy")]
    public void Chunked_output_equals_the_whole_table(CalibratedOutput output, string extension)
    {
        int k = output == CalibratedOutput.Centroid ? 4 : 3;
        int n = output == CalibratedOutput.Centroid ? 12 : 50;
        var (_, edge, _) = TempDirectory.Synthetic(n, k, seed: 9);
        string input = _dir.WriteMatrix($"edge{k}.{(extension == "npy" ? "csv" : "npy")}", edge, k);
        var predictor = Predictor(k);
        string expected = _dir[$"expected.{extension}"];
        PredictionService.Compute(predictor, MatrixFile.ReadProbabilities(input), output, LabelSetRule.IntervalDominance).Write(expected);

        string actual = _dir[$"actual.{extension}"];
        using (var chunks = new ProbabilityMatrixReader(MatrixReader.Open(input), chunkRows: 7))
        {
            var (rows, _) = PredictionService.Stream(predictor, chunks, actual, output, LabelSetRule.IntervalDominance);
            Assert.Equal(n, rows);
        }

        Assert.Equal(File.ReadAllBytes(expected), File.ReadAllBytes(actual));
    }

    [Fact]
    public void Predict_never_asks_for_more_than_one_chunk_of_rows()
    {
        const int rows = 5000;
        const int chunk = 64;
        using var source = new CountingReader(rows);
        using var chunks = new ProbabilityMatrixReader(source, chunkRows: chunk);
        var (written, _) = PredictionService.Stream(Predictor(2), chunks, _dir["out.npy"], CalibratedOutput.Intersection, LabelSetRule.IntervalDominance);
        Assert.Equal(rows, written);
        Assert.Equal(rows, source.RowsRead);
        Assert.Equal(chunk * 2, source.LargestRequest);
        Assert.Equal(rows, MatrixFile.Read(_dir["out.npy"]).Rows);
    }

    [Fact]
    public void Bad_row_in_a_late_chunk_leaves_no_output_and_no_temporary()
    {
        var lines = Enumerable.Range(0, 40).Select(i => i == 30 ? "0.5,0.7" : "0.5,0.5");
        string input = _dir["edge.csv"];
        File.WriteAllText(input, "a,b\n" + string.Join('\n', lines) + "\n");
        using var chunks = new ProbabilityMatrixReader(MatrixReader.Open(input), chunkRows: 8);
        var ex = Assert.Throws<DataFormatException>(() => PredictionService.Stream(Predictor(2), chunks, _dir["out.parquet"], CalibratedOutput.Intersection, LabelSetRule.IntervalDominance));
        Assert.Equal(31, ex.Row);
        Assert.Equal(["edge.csv"], Directory.GetFiles(_dir.Root).Select(Path.GetFileName));
    }

    [Fact]
    public void Cli_predict_gives_the_same_numbers_from_csv_npy_and_parquet()
    {
        var (cloud, edge, _) = TempDirectory.Synthetic(80, 3, seed: 21);
        string cal = _dir["cal.json"];
        Assert.Equal(0, CliRun.Invoke("calibrate", "--cloud", _dir.WriteMatrix("c.csv", cloud, 3), "--edge", _dir.WriteMatrix("e.csv", edge, 3), "--epsilon", "0.1", "--out", cal).ExitCode);
        MatrixFile.Write(_dir["e.parquet"], edge, 80, 3, ["p_0", "p_1", "p_2"]);
        _dir.WriteMatrix("e.npy", edge, 3);
        double[]? reference = null;
        foreach (var (input, output) in new[] { ("e.csv", "o.npy"), ("e.npy", "o.parquet"), ("e.parquet", "o.csv") })
        {
            var run = CliRun.Invoke("predict", "--calibration", cal, "--edge", _dir[input], "--out", _dir[output], "--output", "bounds");
            Assert.True(run.ExitCode == 0, run.ToString());
            var m = MatrixFile.Read(_dir[output], 6);
            reference ??= m.Data;
            Assert.Equal(reference, m.Data);
        }
    }

    /// <summary>Generates uniform rows lazily and records the largest request.</summary>
    private sealed class CountingReader(int rows) : MatrixReader("generated.npy", 2, null)
    {
        public int LargestRequest { get; private set; }

        public override int? TotalRows => rows;

        public override bool EndOfData => RowsRead >= rows;

        protected override int ReadRowsCore(Span<double> destination)
        {
            LargestRequest = Math.Max(LargestRequest, destination.Length);
            int n = Math.Min(destination.Length / 2, rows - RowsRead);
            for (int i = 0; i < 2 * n; i += 2)
            {
                destination[i] = 0.25;
                destination[i + 1] = 0.75;
            }

            return n;
        }

        protected override void Dispose(bool disposing)
        {
        }
    }
}
