using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using CredalDistill.IO;

namespace CredalDistill.Tests.IO;

public sealed class CalibrationArtifactTests : IDisposable
{
    private static readonly DateTime Created = new(2026, 11, 28, 3, 15, 0, 123, DateTimeKind.Utc);
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    private static CalibrationArtifact Sample(double threshold = 0.123456789012345) =>
        CalibrationArtifact.Cdci(Divergences.Divergence.Parse("alpha:0.9"), 0.1, 1000, 10, threshold, new ArtifactScoreSummary(0.001, 0.05, 2.5, 0.2), Created);

    private string Saved(CalibrationArtifact? a = null)
    {
        string p = _dir.File("gamma.json");
        (a ?? Sample()).Save(p);
        return p;
    }

    [Fact]
    public void Round_trips_all_fields()
    {
        var a = Sample();
        string p = _dir.File("gamma.json");
        string hash = a.Save(p);
        var b = CalibrationArtifact.Load(p);
        Assert.Equal("alpha:0.9", b.Threshold!.Divergence.Name);
        Assert.Equal(0.1, b.Threshold!.Epsilon);
        Assert.Equal(1000, b.N);
        Assert.Equal(10, b.Classes);
        Assert.Equal(0.123456789012345, b.Threshold!.Gamma);
        Assert.False(b.Threshold!.Unbounded);
        Assert.Equal(0.001, b.Threshold!.Scores.Min);
        Assert.Equal(0.05, b.Threshold!.Scores.Median);
        Assert.Equal(2.5, b.Threshold!.Scores.Max);
        Assert.Equal(0.2, b.Threshold!.Scores.Mean);
        Assert.Equal(Created, b.CreatedUtc);
        Assert.Equal(DateTimeKind.Utc, b.CreatedUtc.Kind);
        Assert.Equal(hash, b.Sha256);
        Assert.Equal("alpha:0.9", b.Threshold!.Divergence.Name);
    }

    [Fact]
    public void File_has_the_documented_fields_and_hash_rule()
    {
        string p = Saved();
        byte[] bytes = File.ReadAllBytes(p);
        using var doc = JsonDocument.Parse(bytes);
        var root = doc.RootElement;
        Assert.Equal(new[] { "format", "version", "method", "output", "divergence", "epsilon", "n", "classes", "threshold", "unbounded", "thresholdUnits", "scores", "temperature", "selection", "auto", "createdUtc", "sha256" },
            root.EnumerateObject().Select(p => p.Name).ToArray());
        Assert.Equal("credal-distill/calibration", root.GetProperty("format").GetString());
        Assert.Equal(2, root.GetProperty("version").GetInt32());
        Assert.Equal("cdci", root.GetProperty("method").GetString());
        Assert.Equal("intersection", root.GetProperty("output").GetString());
        Assert.Equal(JsonValueKind.Null, root.GetProperty("temperature").ValueKind);
        Assert.Equal("fixed", root.GetProperty("selection").GetProperty("mode").GetString());
        Assert.Equal(JsonValueKind.Null, root.GetProperty("auto").ValueKind);
        Assert.Equal("nats", root.GetProperty("thresholdUnits").GetString());
        Assert.Equal("2026-11-28T03:15:00.123Z", root.GetProperty("createdUtc").GetString());

        // Hash rule, independently: SHA-256 of the file bytes with the hash value replaced by 64 '0'.
        string h = root.GetProperty("sha256").GetString()!;
        string text = Encoding.UTF8.GetString(bytes);
        var zeroed = Encoding.UTF8.GetBytes(text.Replace(h, new string('0', 64), StringComparison.Ordinal));
        Assert.Equal(h, Convert.ToHexStringLower(SHA256.HashData(zeroed)));
    }

    [Fact]
    public void Unbounded_threshold_is_json_null()
    {
        var a = CalibrationArtifact.Cdci(Divergences.Divergence.Parse("kl"), 0.01, 5, 3, double.PositiveInfinity, new ArtifactScoreSummary(0, 1, double.PositiveInfinity), Created);
        string p = Saved(a);
        using (var doc = JsonDocument.Parse(File.ReadAllBytes(p)))
        {
            Assert.Equal(JsonValueKind.Null, doc.RootElement.GetProperty("threshold").ValueKind);
            Assert.True(doc.RootElement.GetProperty("unbounded").GetBoolean());
            Assert.Equal(JsonValueKind.Null, doc.RootElement.GetProperty("scores").GetProperty("max").ValueKind);
            Assert.False(doc.RootElement.GetProperty("scores").TryGetProperty("mean", out _));
        }

        var b = CalibrationArtifact.Load(p);
        Assert.True(b.Threshold!.Unbounded);
        Assert.Equal(double.PositiveInfinity, b.Threshold!.Gamma);
        Assert.Equal(double.PositiveInfinity, b.Threshold!.Scores.Max);
        Assert.Null(b.Threshold!.Scores.Mean);
    }

    [Fact]
    public void Tampered_threshold_is_refused()
    {
        string p = Saved();
        string text = File.ReadAllText(p);
        File.WriteAllText(p, text.Replace("\"threshold\": 0.123456789012345", "\"threshold\": 0.2", StringComparison.Ordinal));
        Assert.NotEqual(text, File.ReadAllText(p));
        var ex = Assert.Throws<CalibrationArtifactException>(() => CalibrationArtifact.Load(p));
        Assert.Equal("gamma.json: checksum mismatch: the sha256 checksum does not match the content (the file was corrupted or edited); re-run calibrate", ex.Message);
        Assert.IsAssignableFrom<DataFormatException>(ex);
        Assert.Equal((p, (int?)null, (int?)null), (ex.FilePath, ex.Row, ex.Column));
    }

    [Theory]
    [InlineData("\"format\": \"credal-distill/calibration\"", "\"format\": \"something-else\"", "gamma.json: not a calibration artifact: format is \"something-else\", expected \"credal-distill/calibration\"")]
    [InlineData("\"version\": 2", "\"version\": 3", "gamma.json: unsupported artifact version 3; this build reads versions 1 and 2")]
    [InlineData("\"method\": \"cdci\",", "", "gamma.json: missing field 'method'")]
    [InlineData("\"temperature\": null,", "", "gamma.json: missing field 'temperature'")]
    [InlineData("\"auto\": null,", "", "gamma.json: missing field 'auto'")]
    [InlineData("\"n\": 1000,", "", "gamma.json: missing field 'n'")]
    [InlineData("\"n\": 1000,", "\"n\": 1000, \"extra\": 1,", "gamma.json: unknown field 'extra'")]
    [InlineData("\"n\": 1000,", "\"n\": 1000, \"n\": 1000,", "gamma.json line 8: duplicate field 'n'")]
    [InlineData("\"n\": 1000,", "\"n\": \"1000\",", "gamma.json line 8: field 'n' has an invalid value or type")]
    [InlineData("\"thresholdUnits\": \"nats\",", "", "gamma.json: missing field 'thresholdUnits'")]
    [InlineData("\"median\": 0.05,", "", "gamma.json: missing field 'scores.median'")]
    public void Structural_problems_are_refused(string find, string replace, string message)
    {
        string p = Saved();
        string text = File.ReadAllText(p);
        Assert.Contains(find, text);
        File.WriteAllText(p, text.Replace(find, replace, StringComparison.Ordinal));
        var ex = Assert.Throws<CalibrationArtifactException>(() => CalibrationArtifact.Load(p));
        Assert.Equal(message, ex.Message);
    }

    [Theory]
    [InlineData("\"epsilon\": 0.1", "\"epsilon\": 1.5", "gamma.json: field 'epsilon' must lie in the open interval (0, 1); got 1.5")]
    [InlineData("\"n\": 1000", "\"n\": 0", "gamma.json: field 'n' must be at least 1; got 0")]
    [InlineData("\"classes\": 10", "\"classes\": 1", "gamma.json: field 'classes' must be at least 2; got 1")]
    [InlineData("\"threshold\": 0.123456789012345", "\"threshold\": -1", "gamma.json: field 'threshold' must be a finite number >= 0 (nats) or null; got -1")]
    [InlineData("\"threshold\": 0.123456789012345", "\"threshold\": null", "gamma.json: inconsistent: 'threshold' is null but 'unbounded' is false")]
    [InlineData("\"unbounded\": false", "\"unbounded\": true", "gamma.json: inconsistent: 'unbounded' is true but 'threshold' is a number (it must be null)")]
    [InlineData("\"divergence\": \"alpha:0.9\"", "\"divergence\": \"js\"", "gamma.json: field 'divergence': Unknown divergence 'js'. Valid names: kl, reverse-kl, alpha:<a>, tv, hellinger, chi2.")]
    [InlineData("\"thresholdUnits\": \"nats\"", "\"thresholdUnits\": \"bits\"", "gamma.json: field 'thresholdUnits' must be \"nats\"; got \"bits\"")]
    [InlineData("\"min\": 0.001", "\"min\": 3", "gamma.json: field scores: expected min <= median <= max")]
    [InlineData("\"createdUtc\": \"2026-11-28T03:15:00.123Z\"", "\"createdUtc\": \"yesterday\"", "gamma.json: field 'createdUtc' is not an ISO 8601 timestamp: \"yesterday\"")]
    [InlineData("\"method\": \"cdci\"", "\"method\": \"platt\"", "gamma.json: unknown method 'platt'; expected one of cdci, distilled-ts, distilled-ts+cdci, distilled-vs, distilled-vs+cdci, distilled-ms, distilled-ms+cdci, ts, vs, ms, auto")]
    [InlineData("\"output\": \"intersection\"", "\"output\": \"mode\"", "gamma.json: field 'output' is 'mode'; expected calibrated, intersection, maxent, centroid")]
    [InlineData("\"mode\": \"fixed\",", "", "gamma.json: missing or null field 'selection.mode'")]
    [InlineData("\"method\": \"cdci\"", "\"method\": \"ts\"", "gamma.json: method 'ts' holds a map of shape temperature; this artifact's map is identity")]
    public void Invalid_values_are_refused_even_with_a_valid_hash(string find, string replace, string message)
    {
        string p = Saved();
        string text = File.ReadAllText(p);
        Assert.Contains(find, text);
        string edited = text.Replace(find, replace, StringComparison.Ordinal);
        File.WriteAllText(p, Rehash(edited));
        var ex = Assert.Throws<CalibrationArtifactException>(() => CalibrationArtifact.Load(p));
        Assert.Equal(message, ex.Message);
    }

    [Theory]
    [InlineData("", "gamma.json: the file is empty; expected a calibration artifact (JSON)")]
    [InlineData("[1, 2]", "gamma.json: the root JSON value must be an object")]
    [InlineData("{\"a\": 1}", "gamma.json: not a calibration artifact: no string field 'format' (expected \"credal-distill/calibration\")")]
    public void Non_artifacts_are_refused(string content, string message)
    {
        string p = _dir.WriteText("gamma.json", content);
        Assert.Equal(message, Assert.Throws<CalibrationArtifactException>(() => CalibrationArtifact.Load(p)).Message);
    }

    [Fact]
    public void Invalid_json_reports_the_line()
    {
        string p = _dir.WriteText("gamma.json", "{\n  \"format\": \"credal-distill/calibration\",\n  \"version\": 1,,\n}");
        var ex = Assert.Throws<CalibrationArtifactException>(() => CalibrationArtifact.Load(p));
        Assert.StartsWith("gamma.json line 3: not valid JSON", ex.Message);
        Assert.Equal(3, ex.Line);
    }

    [Fact]
    public void Constructor_validates_values()
    {
        var s = new ArtifactScoreSummary(0, 0.1, 1);
        Assert.Throws<FormatException>(() => Divergences.Divergence.Parse("nope"));
        Assert.Throws<ArgumentOutOfRangeException>(() => CalibrationArtifact.Cdci(Divergences.Divergence.Parse("kl"), 0, 10, 3, 0.5, s));
        Assert.Throws<ArgumentOutOfRangeException>(() => CalibrationArtifact.Cdci(Divergences.Divergence.Parse("kl"), 0.1, 0, 3, 0.5, s));
        Assert.Throws<ArgumentOutOfRangeException>(() => CalibrationArtifact.Cdci(Divergences.Divergence.Parse("kl"), 0.1, 10, 1, 0.5, s));
        Assert.Throws<ArgumentOutOfRangeException>(() => CalibrationArtifact.Cdci(Divergences.Divergence.Parse("kl"), 0.1, 10, 3, double.NaN, s));
        Assert.Throws<ArgumentException>(() => new ArtifactScoreSummary(1, 0, 2));
    }

    [Fact]
    public void Score_summary_from_scores()
    {
        var s = ArtifactScoreSummary.FromScores([3, 1, 2, 10]);
        Assert.Equal(1, s.Min);
        Assert.Equal(2.5, s.Median);
        Assert.Equal(10, s.Max);
        Assert.Equal(4, s.Mean);
    }

    /// <summary>Recomputes the hash of an edited artifact text per the documented rule.</summary>
    internal static string Rehash(string text)
    {
        using var doc = JsonDocument.Parse(text);
        string h = doc.RootElement.GetProperty("sha256").GetString()!;
        string zeroed = text.Replace(h, new string('0', 64), StringComparison.Ordinal);
        string fresh = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(zeroed)));
        return zeroed.Replace(new string('0', 64), fresh, StringComparison.Ordinal);
    }
}
