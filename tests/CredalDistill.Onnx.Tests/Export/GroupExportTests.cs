using CredalDistill.Calibration;
using CredalDistill.Conformal;
using CredalDistill.Divergences;
using CredalDistill.IO;
using CredalDistill.Onnx.Export;
using Xunit.Abstractions;

namespace CredalDistill.Onnx.Tests.Export;

/// <summary>
/// Per-group thresholds exported (the Mondrian graph with the radius gathered by an input instead of the arg-max): an artifact from <c>calibrate --query ... --group-by</c>; an int64 group-id input selects each
/// row's radius, and the outputs match the library with that group's gamma, including an unbounded group, a
/// group with gamma = 0 and ids outside the groups (no calibration rows: unbounded).
/// </summary>
public sealed class GroupExportTests(ITestOutputHelper output)
{
    private const double Tolerance = 2e-4;

    /// <summary>Groups in ordinal order (their ids 0..3): small, unbounded, zero, large.</summary>
    private static readonly (string Name, double Gamma)[] Groups = [("model-a", 0.05), ("model-b", double.PositiveInfinity), ("model-c", 0.0), ("model-d", 2.5)];

    private static CalibrationArtifact Artifact(string divergence)
    {
        var groups = new GroupThresholds(Groups.Select(g => new KeyValuePair<string, GroupThreshold>(g.Name, new GroupThreshold(25, g.Gamma, new ArtifactScoreSummary(0.0, 0.0, double.PositiveInfinity)))));
        return CalibrationArtifact.Cdci(Divergence.Parse(divergence), 0.1, 100, 4, 0.7, new ArtifactScoreSummary(0.0, 0.1, double.PositiveInfinity), groups: groups);
    }

    [Theory]
    [InlineData("kl", false)]
    [InlineData("kl", true)]
    [InlineData("hellinger", false)]
    [InlineData("tv", false)]
    [InlineData("chi2", false)]
    public void Each_row_uses_the_threshold_of_its_group_id(string name, bool maxEntropy)
    {
        const int k = 4;
        var divergence = Divergence.Parse(name);
        var rows = ExportAccuracyTests.Rows(k, seed: 77);
        var input = rows.SelectMany(r => r.Logits.Select(v => (float)v)).ToArray();
        long[] ids = [.. Enumerable.Range(0, rows.Count).Select(r => (long)((r % 6) - 1))]; // -1 and 4 are outside the groups
        var options = new CalibratedExportOptions { Output = maxEntropy ? CalibratedOutput.MaximumEntropy : CalibratedOutput.Intersection, GroupInputName = "group_id" };
        using var model = new ExportedModel(LinearLogitsModel.Identity(k), Artifact(name), options);
        Assert.Equal(Groups.Select(g => g.Name), model.Summary.Groups);
        var o = model.Run("x", input, [rows.Count, k], ("group_id", ids));
        double maxError = ReferenceCredal.AssertRowsMatch(o, rows, divergence, r => ids[r] is >= 0 and < 4 ? Groups[ids[r]].Gamma : double.PositiveInfinity, maxEntropy, Tolerance, r => $"group id {ids[r]}");
        output.WriteLine($"{name}{(maxEntropy ? " maxent" : string.Empty)}: {rows.Count} rows, {model.Summary.NodesAdded} nodes, max abs error {maxError:G3}");
    }

    [Fact]
    public void A_group_input_needs_groups_and_a_free_name()
    {
        var plain = ExportedModel.Artifact("kl", 0.5, 4);
        Assert.Throws<OnnxExportException>(() => CalibratedModelExporter.Append(LinearLogitsModel.Identity(4), plain, new CalibratedExportOptions { GroupInputName = "group_id" }));
        Assert.Throws<OnnxExportException>(() => CalibratedModelExporter.Append(LinearLogitsModel.Identity(4), Artifact("kl"), new CalibratedExportOptions { GroupInputName = "x" }));
    }
}
