using CredalDistill.Conformal;
using CredalDistill.Divergences;
using CredalDistill.IO;

namespace CredalDistill.Cli.Tests;

/// <summary><c>credal calibrate --pac-delta</c>: the PAC threshold, recorded and restored through the artifact; refusals.</summary>
public sealed class PacDeltaTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public void Pac_threshold_is_the_beta_rule_order_statistic_and_round_trips()
    {
        var (cloud, edge, _) = TempDirectory.Synthetic(500, 4, 3);
        string cloudPath = _dir.WriteMatrix("c.csv", cloud, 4), edgePath = _dir.WriteMatrix("e.csv", edge, 4), cal = _dir["pac.json"];
        var run = CliRun.Invoke("calibrate", "--cloud", cloudPath, "--edge", edgePath, "--epsilon", "0.1", "--pac-delta", "0.05", "--out", cal);
        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Contains("PAC", run.Stdout, StringComparison.Ordinal);

        var scores = SplitConformal.Scores(ProbabilityMatrix.FromProbabilities(cloud, 4), ProbabilityMatrix.FromProbabilities(edge, 4), Divergence.KL);
        Array.Sort(scores);
        long k = TrainingConditional.Rank(500, 0.1, 0.05);
        Assert.True(k > SplitConformal.Rank(500, 0.1));
        var artifact = CalibrationArtifact.Load(cal);
        Assert.Equal(0.05, artifact.Threshold!.Delta);
        Assert.Equal(scores[k - 1], artifact.Threshold.Gamma, 12);
        Assert.Contains("\"delta\": 0.05", File.ReadAllText(cal), StringComparison.Ordinal);
        Assert.Contains(CredalDistill.Calibration.FittedCalibrator.FromArtifact(artifact).Parameters, p => p.Name == "delta (PAC)");

        // The marginal artifact has no delta key; predict accepts the PAC artifact like any other.
        string plain = _dir["plain.json"];
        Assert.Equal(0, CliRun.Invoke("calibrate", "--cloud", cloudPath, "--edge", edgePath, "--out", plain).ExitCode);
        Assert.Null(CalibrationArtifact.Load(plain).Threshold!.Delta);
        Assert.DoesNotContain("\"delta\"", File.ReadAllText(plain), StringComparison.Ordinal);
        Assert.Equal(0, CliRun.Invoke("predict", "--calibration", cal, "--edge", edgePath, "--out", _dir["p.csv"], "--output", "bounds").ExitCode);
    }

    [Theory]
    [InlineData("--pac-delta", "1.5")]
    [InlineData("--pac-delta", "0")]
    public void Bad_delta_is_a_usage_error(string option, string value)
    {
        var (cloud, edge, _) = TempDirectory.Synthetic(50, 3, 3);
        var run = CliRun.Invoke("calibrate", "--cloud", _dir.WriteMatrix("c.csv", cloud, 3), "--edge", _dir.WriteMatrix("e.csv", edge, 3), option, value, "--out", _dir["x.json"]);
        Assert.Equal(2, run.ExitCode);
        Assert.Contains("--pac-delta", run.Stderr, StringComparison.Ordinal);
        Assert.False(File.Exists(_dir["x.json"]));
    }

    [Fact]
    public void Pac_delta_with_another_method_is_a_usage_error_and_an_edited_delta_is_refused()
    {
        var (cloud, edge, _) = TempDirectory.Synthetic(50, 3, 3);
        string c = _dir.WriteMatrix("c.csv", cloud, 3), e = _dir.WriteMatrix("e.csv", edge, 3);
        var run = CliRun.Invoke("calibrate", "--cloud", c, "--edge", e, "--method", "distilled-ts", "--pac-delta", "0.1", "--out", _dir["x.json"]);
        Assert.Equal(2, run.ExitCode);

        string cal = _dir["pac.json"];
        Assert.Equal(0, CliRun.Invoke("calibrate", "--cloud", c, "--edge", e, "--pac-delta", "0.1", "--out", cal).ExitCode);
        File.WriteAllText(cal, File.ReadAllText(cal).Replace("\"delta\": 0.1", "\"delta\": 0.2", StringComparison.Ordinal));
        var refused = CliRun.Invoke("predict", "--calibration", cal, "--edge", e, "--out", _dir["p.csv"]);
        Assert.Equal(3, refused.ExitCode);
    }
}
