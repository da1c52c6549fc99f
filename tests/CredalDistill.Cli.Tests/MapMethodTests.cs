using System.Globalization;
using CredalDistill.Calibration;
using CredalDistill.IO;
using CredalDistill.Tests.Support;

namespace CredalDistill.Cli.Tests;

/// <summary>The vector and matrix maps through the CLI: calibrate, the artifact, predict, export and their option checks.</summary>
public sealed class MapMethodTests : IDisposable
{
    private const int K = 10;
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    /// <summary>
    /// The done-when case: <c>credal calibrate --method distilled-ms --regularization 0.01</c> then <c>predict</c> on a K = 10
    /// case gives the probabilities of an independent implementation of the definition (damped Newton) within 1e-6.
    /// </summary>
    [Fact]
    public void Distilled_ms_through_the_cli_equals_the_independent_fit()
    {
        var (cloud, edge, _) = TempDirectory.Synthetic(500, K, seed: 61);
        var (_, testEdge, _) = TempDirectory.Synthetic(120, K, seed: 62);
        _dir.WriteMatrix("cloud.csv", cloud, K);
        _dir.WriteMatrix("edge.csv", edge, K);
        _dir.WriteMatrix("test.csv", testEdge, K);
        var run = CliRun.Invoke("calibrate", "--cloud", _dir["cloud.csv"], "--edge", _dir["edge.csv"], "--method", "distilled-ms", "--regularization", "0.01", "--out", _dir["ms.json"]);
        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Contains("matrix scaling", run.Stdout);
        var artifact = CalibrationArtifact.Load(_dir["ms.json"]);
        Assert.Equal(("distilled-ms", MapShape.Matrix, 0.01), (artifact.Method, artifact.Map.Shape, artifact.Map.Regularization));
        Assert.Contains("\"shape\": \"matrix\"", File.ReadAllText(_dir["ms.json"]));

        var predict = CliRun.Invoke("predict", "--calibration", _dir["ms.json"], "--edge", _dir["test.csv"], "--out", _dir["p.csv"]);
        Assert.True(predict.ExitCode == 0, predict.ToString());
        var written = MatrixFile.Read(_dir["p.csv"]).Data;

        var data = new CalibrationData(MatrixFile.ReadProbabilities(_dir["cloud.csv"]), MatrixFile.ReadProbabilities(_dir["edge.csv"]));
        var test = ProbabilityMatrix.FromLogits(Logs(MatrixFile.ReadProbabilities(_dir["test.csv"])), K);
        var reference = MapReference.Fit(data, matrix: true, 0.01, labels: false);
        var expected = MapReference.Apply(reference, K, test, matrix: true);
        for (int j = 0; j < expected.Length; j++)
        {
            Assert.True(Math.Abs(written[j] - expected[j]) <= 1e-6, string.Create(CultureInfo.InvariantCulture, $"entry {j}: predict {written[j]:R} vs reference {expected[j]:R}"));
        }
    }

    [Fact]
    public void Map_methods_take_regularization_and_others_refuse_it()
    {
        var (cloud, edge, labels) = TempDirectory.Synthetic(200, 3, seed: 63);
        _dir.WriteMatrix("c.csv", cloud, 3);
        _dir.WriteMatrix("e.csv", edge, 3);
        _dir.WriteLabels("y.csv", labels);
        string[] Args(string method, params string[] extra) => ["calibrate", "--cloud", _dir["c.csv"], "--edge", _dir["e.csv"], "--method", method, "--out", _dir[method + ".json"], .. extra];
        foreach (string method in new[] { "distilled-vs", "distilled-ms", "distilled-vs+cdci", "distilled-ms+cdci" })
        {
            var ok = CliRun.Invoke(Args(method));
            Assert.True(ok.ExitCode == 0, ok.ToString());
            Assert.Equal(method, CalibrationArtifact.Load(_dir[method + ".json"]).Method);
        }

        var labelled = CliRun.Invoke(Args("ms", "--labels", _dir["y.csv"], "--regularization", "0.1"));
        Assert.True(labelled.ExitCode == 0, labelled.ToString());
        Assert.Equal(MapObjective.NegativeLogLikelihood, CalibrationArtifact.Load(_dir["ms.json"]).Map.Objective);

        var refused = CliRun.Invoke(Args("cdci", "--regularization", "0.1"));
        Assert.Equal(2, refused.ExitCode);
        Assert.Contains("--regularization applies to --method distilled-vs or distilled-vs+cdci or distilled-ms or distilled-ms+cdci or vs or ms", refused.Stderr);
        var bad = CliRun.Invoke(Args("distilled-ms", "--regularization", "-1"));
        Assert.Equal(2, bad.ExitCode);
        Assert.Contains("--regularization must be 'auto' or a finite number >= 0", bad.Stderr);
    }

    private static double[] Logs(ProbabilityMatrix p) => [.. p.Data.ToArray().Select(v => Math.Log(v))];
}
