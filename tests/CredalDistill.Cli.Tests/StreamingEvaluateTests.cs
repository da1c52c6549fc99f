using System.Text.Json;
using CredalDistill.Calibration;
using CredalDistill.Cli.Commands;
using CredalDistill.Cli.Formats;
using CredalDistill.Cli.Reporting;
using CredalDistill.Cli.Services;
using CredalDistill.IO;

namespace CredalDistill.Cli.Tests;

/// <summary>evaluate and calibrate's score pass stream: chunked sums give the one-pass report and threshold exactly.</summary>
public sealed class StreamingEvaluateTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    private static string Json(EvaluationReport report) => JsonSerializer.Serialize(report, EvaluationReportJsonContext.Default.EvaluationReport);

    [Theory]
    [InlineData(3, 1)]
    [InlineData(3, 16)]
    [InlineData(4, 5)]
    public void Chunked_evaluation_equals_the_one_pass_report(int k, int chunk)
    {
        var (calCloud, calEdge, _) = TempDirectory.Synthetic(150, k, seed: 31);
        var (cloud, edge, labels) = TempDirectory.Synthetic(k == 3 ? 40 : 12, k, seed: 32);
        var fitted = new CdciCalibrator().Fit(new CalibrationData(ProbabilityMatrix.FromProbabilities(calCloud, k), ProbabilityMatrix.FromProbabilities(calEdge, k)));
        var edgeM = ProbabilityMatrix.FromProbabilities(edge, k);
        var cloudM = ProbabilityMatrix.FromProbabilities(cloud, k);
        string expected = Json(EvaluationService.Evaluate(fitted, "cal.json", edgeM, cloudM, labels));

        var sums = new EvaluationSums(fitted, "cal.json", k);
        using var edgeChunks = new ProbabilityMatrixReader(MatrixReader.Open(_dir.WriteMatrix("e.csv", edge, k)), chunkRows: chunk);
        using var cloudChunks = new ProbabilityMatrixReader(MatrixReader.Open(_dir.WriteMatrix("c.npy", cloud, k)), chunkRows: chunk);
        var files = new EvaluateSettings { Edge = "e.csv", Cloud = "c.npy", Labels = "l.csv", Calibration = ["cal.json"] };
        using var labelChunks = LabelReader.Open(_dir.WriteLabels(k == 3 ? "l.csv" : "l.npy", labels), k);
        long rows = EvaluationService.Stream([sums], edgeChunks, cloudChunks, labelChunks, files, null, CancellationToken.None);
        Assert.Equal(labels.Length, rows);
        Assert.Equal(expected, Json(sums.Report()));
    }

    [Fact]
    public void Different_row_counts_found_while_streaming_name_both_files()
    {
        var (cloud, edge, labels) = TempDirectory.Synthetic(30, 3, seed: 33);
        var fitted = new CdciCalibrator().Fit(new CalibrationData(ProbabilityMatrix.FromProbabilities(cloud, 3), ProbabilityMatrix.FromProbabilities(edge, 3)));
        using var edgeChunks = new ProbabilityMatrixReader(MatrixReader.Open(_dir.WriteMatrix("e.csv", edge, 3)), chunkRows: 8);
        using var cloudChunks = new ProbabilityMatrixReader(MatrixReader.Open(_dir.WriteMatrix("c.csv", cloud[..(27 * 3)], 3)), chunkRows: 8);
        var files = new EvaluateSettings { Edge = "e.csv", Cloud = "c.csv", Labels = "l.csv", Calibration = ["cal.json"] };
        using var labelChunks = LabelReader.Open(_dir.WriteLabels("l.csv", labels), 3);
        var ex = Assert.Throws<DataFormatException>(() => EvaluationService.Stream([new EvaluationSums(fitted, "cal.json", 3)], edgeChunks, cloudChunks, labelChunks, files, null, CancellationToken.None));
        Assert.Contains("27 rows, but e.csv has 30", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(25, "25 rows, but e.csv has 30")]
    [InlineData(34, "34 rows, but e.csv has 30")]
    public void Fewer_or_more_labels_found_while_streaming_are_counted_and_named(int count, string message)
    {
        var (cloud, edge, labels) = TempDirectory.Synthetic(30, 3, seed: 35);
        var fitted = new CdciCalibrator().Fit(new CalibrationData(ProbabilityMatrix.FromProbabilities(cloud, 3), ProbabilityMatrix.FromProbabilities(edge, 3)));
        using var edgeChunks = new ProbabilityMatrixReader(MatrixReader.Open(_dir.WriteMatrix("e.csv", edge, 3)), chunkRows: 8);
        using var cloudChunks = new ProbabilityMatrixReader(MatrixReader.Open(_dir.WriteMatrix("c.csv", cloud, 3)), chunkRows: 8);
        var files = new EvaluateSettings { Edge = "e.csv", Cloud = "c.csv", Labels = "l.csv", Calibration = ["cal.json"] };
        using var labelChunks = LabelReader.Open(_dir.WriteLabels("l.csv", labels.Concat(labels).Take(count).ToArray()), 3);
        var ex = Assert.Throws<DataFormatException>(() => EvaluationService.Stream([new EvaluationSums(fitted, "cal.json", 3)], edgeChunks, cloudChunks, labelChunks, files, null, CancellationToken.None));
        Assert.Contains(message, ex.Message, StringComparison.Ordinal);
        Assert.Contains("l.csv", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Streamed_calibration_from_parquet_equals_the_in_memory_fit()
    {
        var (cloud, edge, _) = TempDirectory.Synthetic(333, 3, seed: 34);
        string[] header = ["p_0", "p_1", "p_2"];
        MatrixFile.Write(_dir["c.parquet"], cloud, 333, 3, header);
        MatrixFile.Write(_dir["e.parquet"], edge, 333, 3, header);
        var run = CliRun.Invoke("calibrate", "--cloud", _dir["c.parquet"], "--edge", _dir["e.parquet"], "--epsilon", "0.05", "--divergence", "hellinger", "--out", _dir["cal.json"]);
        Assert.True(run.ExitCode == 0, run.ToString());
        var expected = new CdciCalibrator { Divergence = Divergences.Divergence.Parse("hellinger"), Epsilon = 0.05 }
            .Fit(new CalibrationData(ProbabilityMatrix.FromProbabilities(cloud, 3), ProbabilityMatrix.FromProbabilities(edge, 3)));
        var artifact = CalibrationArtifact.Load(_dir["cal.json"]);
        Assert.Equal(expected.Threshold!.Gamma, artifact.Threshold!.Gamma);
        Assert.Equal(333, artifact.N);

        var eval = CliRun.Invoke("evaluate", "--calibration", _dir["cal.json"], "--edge", _dir["e.parquet"], "--cloud", _dir["c.parquet"], "--labels", _dir.WriteLabels("l.csv", new int[333]));
        Assert.True(eval.ExitCode == 0, eval.ToString());
    }

    [Theory]
    [InlineData(null)]
    [InlineData(0.1)]
    public void Fit_from_scores_equals_the_fit_on_the_matrices(double? delta)
    {
        var (cloud, edge, _) = TempDirectory.Synthetic(250, 4, seed: 35);
        var cloudM = ProbabilityMatrix.FromProbabilities(cloud, 4);
        var edgeM = ProbabilityMatrix.FromProbabilities(edge, 4);
        var calibrator = new CdciCalibrator { Divergence = Divergences.Divergence.Parse("reverse-kl"), Epsilon = 0.1, Delta = delta };
        var expected = calibrator.Fit(new CalibrationData(cloudM, edgeM)).ToArtifact();
        var actual = calibrator.FitScores(Conformal.SplitConformal.Scores(cloudM, edgeM, calibrator.Divergence!), 4).ToArtifact();
        Assert.Equal((expected.Threshold!.Gamma, expected.Threshold.Epsilon, expected.Threshold.Delta), (actual.Threshold!.Gamma, actual.Threshold.Epsilon, actual.Threshold.Delta));
        Assert.Equal(expected.N, actual.N);
        Assert.Equal(expected.Threshold!.Scores.Median, actual.Threshold!.Scores.Median);
    }
}
