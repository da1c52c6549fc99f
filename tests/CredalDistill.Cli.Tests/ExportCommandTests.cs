using CredalDistill.IO;
using CredalDistill.Onnx.Export;
using Google.Protobuf;

namespace CredalDistill.Cli.Tests;

/// <summary><c>credal export</c>: the written model, the summary line and the exit codes of refusals (nothing written).</summary>
public sealed class ExportCommandTests : IDisposable
{
    private readonly TempDirectory _dir = new();
    private readonly string _model;

    public ExportCommandTests()
    {
        _model = _dir["edge.onnx"];
        File.WriteAllBytes(_model, LinearLogitsModel.Identity(3).ToByteArray());
    }

    public void Dispose() => _dir.Dispose();

    private string Artifact(string divergence, double gamma = 0.4, int k = 3)
    {
        string path = _dir[$"cal-{divergence.Replace(':', '_')}-{k}.json"];
        CalibrationArtifact.Cdci(Divergences.Divergence.Parse(divergence), 0.1, 200, k, gamma, new ArtifactScoreSummary(0, 0.1, 2)).Save(path);
        return path;
    }

    [Fact]
    public void Export_writes_the_calibrated_model_with_the_added_outputs()
    {
        string out_ = _dir["calibrated.onnx"];
        var run = CliRun.Invoke("export", "--model", _model, "--calibration", Artifact("kl"), "--out", out_);
        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Contains("wrote", run.Stdout);
        Assert.Contains("50 bisection steps per bound", run.Stdout.Replace("\n", " ", StringComparison.Ordinal));
        var model = CalibratedModelExporter.Read(out_);
        Assert.Equal(["logits", "probabilities", "lower", "upper", "label_set"], model.Graph.Output.Select(o => o.Name));
        Assert.Contains(model.MetadataProps, m => m.Key == "credal.divergence" && m.Value == "kl");
    }

    [Fact]
    public void Export_help_lists_options_with_defaults()
    {
        var run = CliRun.Invoke("export", "--help");
        Assert.True(run.ExitCode == 0, run.ToString());
        foreach (string option in new[] { "--model", "--calibration", "--out", "--logits-output", "--output", "[N, K]" })
        {
            Assert.Contains(option, run.Stdout);
        }

        Assert.Matches(@"--logits-output <NAME>\s+logits", run.Stdout);
        Assert.Matches(@"--output <KIND>\s+The distribution written to 'probabilities'", run.Stdout);
        Assert.Contains("export", CliRun.Invoke("--help").Stdout);
    }

    [Fact]
    public void Unbounded_artifact_exports_with_a_warning()
    {
        string out_ = _dir["unbounded.onnx"];
        var run = CliRun.Invoke("export", "--model", _model, "--calibration", Artifact("kl", double.PositiveInfinity), "--out", out_);
        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Contains("unbounded", run.Stderr);
        Assert.True(File.Exists(out_));
    }

    [Fact]
    public void Maxent_with_another_divergence_is_a_usage_error()
    {
        string out_ = _dir["x.onnx"];
        var run = CliRun.Invoke("export", "--model", _model, "--calibration", Artifact("hellinger"), "--output", "maxent", "--out", out_);
        Assert.Equal(ExitCodes.Usage, run.ExitCode);
        Assert.Contains("KL divergence only", run.Stderr);
        Assert.False(File.Exists(out_));
    }

    [Fact]
    public void Model_without_the_logits_output_is_bad_data()
    {
        string out_ = _dir["x.onnx"];
        var run = CliRun.Invoke("export", "--model", _model, "--calibration", Artifact("kl"), "--logits-output", "scores", "--out", out_);
        Assert.Equal(ExitCodes.BadData, run.ExitCode);
        Assert.Contains("no output named 'scores'", run.Stderr);
        Assert.False(File.Exists(out_));
    }

    [Fact]
    public void Class_count_mismatch_is_bad_data()
    {
        string out_ = _dir["x.onnx"];
        var run = CliRun.Invoke("export", "--model", _model, "--calibration", Artifact("kl", k: 4), "--out", out_);
        Assert.Equal(ExitCodes.BadData, run.ExitCode);
        Assert.Contains("3 classes but the calibration artifact has 4", run.Stderr);
        Assert.False(File.Exists(out_));
    }

    [Fact]
    public void A_file_that_is_not_an_onnx_model_is_bad_data()
    {
        string notOnnx = _dir["not.onnx"];
        File.WriteAllText(notOnnx, "hello, world");
        var run = CliRun.Invoke("export", "--model", notOnnx, "--calibration", Artifact("kl"), "--out", _dir["x.onnx"]);
        Assert.Equal(ExitCodes.BadData, run.ExitCode);
        Assert.Contains("not an ONNX model", run.Stderr);
    }

    [Theory]
    [InlineData("--output", "centroid")]
    [InlineData("--output", "bounds")]
    public void Outputs_without_a_graph_are_usage_errors(string option, string value)
    {
        var run = CliRun.Invoke("export", "--model", _model, "--calibration", Artifact("kl"), "--out", _dir["x.onnx"], option, value);
        Assert.Equal(ExitCodes.Usage, run.ExitCode);
        Assert.Contains("intersection, maxent", run.Stderr);
    }

    [Fact]
    public void Out_must_be_an_onnx_file_other_than_the_model()
    {
        Assert.Equal(ExitCodes.Usage, CliRun.Invoke("export", "--model", _model, "--calibration", Artifact("kl"), "--out", _dir["x.csv"]).ExitCode);
        Assert.Equal(ExitCodes.Usage, CliRun.Invoke("export", "--model", _model, "--calibration", Artifact("kl"), "--out", _model).ExitCode);
    }

    [Fact]
    public void Missing_model_file_is_a_usage_error()
    {
        var run = CliRun.Invoke("export", "--model", _dir["missing.onnx"], "--calibration", Artifact("kl"), "--out", _dir["x.onnx"]);
        Assert.Equal(ExitCodes.Usage, run.ExitCode);
        Assert.Contains("--model", run.Stderr);
    }
}
