using CredalDistill.Divergences;
using CredalDistill.Conformal;
using CredalDistill.IO;

namespace CredalDistill.Tests.IO;

/// <summary>The artifact's optional <c>groups</c> object (per-group thresholds): round trip and the refusals.</summary>
public sealed class ArtifactGroupsTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    private static GroupThresholds Groups() => new(
    [
        new("pixel-7", new GroupThreshold(90, 0.42, new ArtifactScoreSummary(0.01, 0.2, 1.5, 0.3))),
        new("a-tiny", new GroupThreshold(8, double.PositiveInfinity, new ArtifactScoreSummary(0.02, 0.1, double.PositiveInfinity))),
        new("", new GroupThreshold(2, double.PositiveInfinity, new ArtifactScoreSummary(0.5, 0.6, 0.7, 0.6))),
    ]);

    private static CalibrationArtifact Grouped(int n = 100) => CalibrationArtifact.Cdci(Divergence.KL, 0.1, n, 3, 0.5, new ArtifactScoreSummary(0.01, 0.2, double.PositiveInfinity), groups: Groups());

    [Fact]
    public void Groups_round_trip_in_ordinal_order_with_null_for_unbounded()
    {
        string p = _dir.File("g.json");
        Grouped().Save(p);
        string json = File.ReadAllText(p);
        Assert.True(json.IndexOf("\"\": {", StringComparison.Ordinal) < json.IndexOf("\"a-tiny\"", StringComparison.Ordinal));
        Assert.Contains("\"threshold\": null,\n      \"unbounded\": true", json.ReplaceLineEndings("\n"), StringComparison.Ordinal);
        var loaded = CalibrationArtifact.Load(p);
        Assert.Equal(["", "a-tiny", "pixel-7"], loaded.Threshold!.Groups!.Groups.Keys);
        Assert.Equal(0.42, loaded.Threshold!.Groups.GammaFor("pixel-7"));
        Assert.True(double.IsPositiveInfinity(loaded.Threshold!.Groups.GammaFor("a-tiny")));
        Assert.True(double.IsPositiveInfinity(loaded.Threshold!.Groups.GammaFor("never-seen")));
        Assert.Equal(0.3, loaded.Threshold!.Groups.Groups["pixel-7"].Scores.Mean);
        Assert.True(double.IsPositiveInfinity(loaded.Threshold!.Groups.Groups["a-tiny"].Scores.Max));
        Assert.Equal(2, loaded.Threshold!.Groups.Warnings(0.1).Count);
    }

    [Theory]
    [InlineData("\"n\": 90,", "\"n\": 91,", "add up to 101, but 'n' is 100")]
    [InlineData("\"threshold\": 0.42,", "\"threshold\": null,", "must be null exactly when")]
    [InlineData("\"threshold\": 0.42,", "\"threshold\": 7.5,", "not between the smallest and largest score")]
    [InlineData("\"threshold\": 0.42,", "\"threshold\": -1,", "groups.\"pixel-7\"")]
    [InlineData("\"n\": 90,", "\"n\": 90, \"extra\": 1,", "unknown field")]
    [InlineData("\"n\": 90,", "", "'groups.\"pixel-7\".n' must not be null")]
    public void Invalid_groups_are_refused(string find, string replace, string message)
    {
        string p = _dir.File("g.json");
        Grouped().Save(p);
        string text = File.ReadAllText(p);
        Assert.Contains(find, text, StringComparison.Ordinal);
        File.WriteAllText(p, CalibrationArtifactTests.Rehash(text.Replace(find, replace, StringComparison.Ordinal)));
        var ex = Assert.Throws<CalibrationArtifactException>(() => CalibrationArtifact.Load(p));
        Assert.Contains(message, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Groups_must_fit_the_artifact()
    {
        Assert.Throws<ArgumentException>(() => Grouped(n: 99));
        var mondrian = MondrianThreshold.Calibrate([0.1, 0.2, 0.3], [0, 1, 1], 3, 0.5, Divergence.KL);
        var grouped = CalibrationArtifact.Cdci(Divergence.KL, 0.5, 100, 3, 0.5, new ArtifactScoreSummary(0.1, 0.2, 0.3), groups: Groups());
        Assert.Throws<ArgumentException>(() => (grouped with { N = 3, Threshold = grouped.Threshold! with { Rows = mondrian } }).Validated());
        Assert.Throws<ArgumentException>(() => (grouped with { Method = "distilled-ts+cdci" }).Validated());
        Assert.Throws<ArgumentException>(() => new GroupThresholds([]));
        Assert.Throws<ArgumentOutOfRangeException>(() => new GroupThreshold(0, 1.0, new ArtifactScoreSummary(0.1, 0.2, 0.3)));
    }
}
