using System.Security.Cryptography;
using System.Text;
using CredalDistill.Calibration;
using CredalDistill.IO;
using CredalDistill.Tests.Calibration;

namespace CredalDistill.Tests.IO;

/// <summary>Artifact version 2: version-1 files still load (as cdci), every method round-trips, bad v2 content is refused clearly.</summary>
public sealed class CalibrationArtifactVersionTests : IDisposable
{
    /// <summary>A version-1 file exactly as the previous release wrote it (sha256 patched by the documented rule below).</summary>
    private const string Version1 = """
        {
          "format": "credal-distill/calibration",
          "version": 1,
          "divergence": "hellinger",
          "epsilon": 0.05,
          "n": 500,
          "classes": 3,
          "threshold": 0.0123,
          "unbounded": false,
          "thresholdUnits": "nats",
          "scores": {
            "min": 0.0001,
            "median": 0.004,
            "max": 0.09,
            "mean": 0.005
          },
          "createdUtc": "2026-11-01T10:00:00.000Z",
          "sha256": "0000000000000000000000000000000000000000000000000000000000000000"
        }

        """;

    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    private string WithHash(string name, string json)
    {
        var zeroed = Encoding.UTF8.GetBytes(json.Replace("\r\n", "\n", StringComparison.Ordinal));
        string hash = Convert.ToHexStringLower(SHA256.HashData(zeroed));
        return _dir.WriteText(name, Encoding.UTF8.GetString(zeroed).Replace(new string('0', 64), hash, StringComparison.Ordinal));
    }

    [Fact]
    public void Version_1_file_loads_as_cdci_with_the_intersection_output()
    {
        var a = CalibrationArtifact.Load(WithHash("v1.json", Version1));
        Assert.Equal(1, a.Version);
        Assert.Equal("cdci", a.Method);
        Assert.Equal(CalibratedOutput.Intersection, a.Output);
        Assert.Equal("hellinger", a.Threshold!.Divergence.Name);
        Assert.Equal(0.05, a.Threshold.Epsilon);
        Assert.Equal(0.0123, a.Threshold.Gamma);
        Assert.True(a.Map.IsIdentity);
        Assert.Null(a.Selection);
        Assert.Null(a.Auto);
        var fitted = FittedCalibrator.FromArtifact(a);
        Assert.Equal(0.0123, fitted.Predictor!.Gamma);
        Assert.True(fitted.Map!.IsIdentity);

        // Saving it again writes version 2 with the same conformal keys.
        string p = _dir.File("v2.json");
        a.Save(p);
        var b = CalibrationArtifact.Load(p);
        Assert.Equal((2, "cdci", "hellinger", 0.05, 500, 0.0123), (b.Version, b.Method, b.Threshold!.Divergence.Name, b.Threshold.Epsilon, b.N, b.Threshold.Gamma));
    }

    [Fact]
    public void Version_1_file_with_version_2_keys_is_refused()
    {
        string p = WithHash("v1.json", Version1.Replace("\"version\": 1,", "\"version\": 1,\n  \"method\": \"cdci\",", StringComparison.Ordinal));
        Assert.Equal("v1.json: unknown field 'method'", Assert.Throws<CalibrationArtifactException>(() => CalibrationArtifact.Load(p)).Message);
    }

    [Theory]
    [InlineData("cdci-auto-both", "cdci", "auto")]
    [InlineData("ts-ece", "ts", null)]
    [InlineData("distilled-ts", "distilled-ts", null)]
    [InlineData("distilled-ts+cdci", "distilled-ts+cdci", "fixed")]
    [InlineData("auto", "auto", null)]
    public void Version_2_records_the_method_temperature_and_selection(string calibrator, string method, string? mode)
    {
        var fitted = CalibrationFixture.Create(calibrator).Fit(CalibrationFixture.Data());
        string p = _dir.File(calibrator + ".json");
        fitted.ToArtifact().Save(p);
        string text = File.ReadAllText(p);
        var a = CalibrationArtifact.Load(p);
        Assert.Equal(method, a.Method);
        Assert.Equal(fitted.Map!.Shape, a.Map.Shape);
        Assert.Equal(fitted.Map.Temperature, a.Map.Temperature); // bit for bit
        Assert.Equal(fitted.Map.Objective, a.Map.Objective);
        Assert.Equal(fitted.Map.FitRows, a.Map.FitRows);
        Assert.Equal(fitted.IsSetValued, a.HasThreshold);
        if (mode is not null)
        {
            Assert.Equal(mode, a.Selection!.Mode);
        }

        if (!a.HasThreshold)
        {
            Assert.Contains("\"divergence\": null", text);
            Assert.Contains("\"scores\": null", text);
            Assert.Equal(CalibratedOutput.Calibrated, a.Output);
        }

        if (method == "auto")
        {
            Assert.Equal(fitted.Auto!.Winner.Method, a.Auto!.Winner.Method);
            Assert.Contains("\"chosen\": \"" + a.Auto.Winner.Method + "\"", text);
            Assert.Contains("lowest score", a.Auto.Reason);
        }

        if (a.Selection is { Mode: "auto" } s)
        {
            Assert.Equal(fitted.Selection!.Scores!.Select(r => r.ToArray()), s.Scores!.Select(r => r.ToArray()));
        }
    }

    [Theory]
    [InlineData("distilled-ts", "\"epsilon\": null", "\"epsilon\": 0.1", "x.json: field 'epsilon' must be null when 'divergence' is null (a point calibration has no threshold)")]
    [InlineData("distilled-ts", "\"objective\": \"distilled-kl\"", "\"objective\": \"nll\"", "x.json: method 'distilled-ts' fits its map by distilled-kl; this artifact's map objective is nll")]
    [InlineData("distilled-ts", "\"objective\": \"distilled-kl\"", "\"objective\": \"platt\"", "x.json: field 'temperature.objective' is 'platt'; expected nll, ece or distilled-kl")]
    [InlineData("distilled-ts", "\"n\": 80\n  },", "\"n\": 0\n  },", "x.json: field 'temperature.n' must be at least 1; got 0")]
    [InlineData("distilled-ts", "\"output\": \"calibrated\"", "\"output\": \"intersection\"", "x.json: method 'distilled-ts' has no credal set; its output must be 'calibrated'")]
    [InlineData("distilled-ts", "\"output\": \"calibrated\"", "\"output\": \"tempered\"", null)]
    [InlineData("distilled-ts", "\"temperature\": {", "\"temperature\": null, \"x\": {", "x.json: unknown field 'x'")]
    [InlineData("cdci-kl", "\"temperature\": null", "\"temperature\": {\"value\": 2, \"objective\": \"distilled-kl\", \"n\": 5}", "x.json: method 'cdci' holds a map of shape identity; this artifact's map is temperature")]
    [InlineData("distilled-ts+cdci", "\"value\": ", "\"valeur\": ", "x.json line 20: unknown field 'temperature.valeur'")]
    [InlineData("distilled-ts+cdci", "\"folds\": null", "\"folds\": 2", "x.json: a fixed 'selection' has one divergence, one epsilon and null scores, folds and seed")]
    [InlineData("auto", "\"chosenIndex\": ", "\"chosenIndex\": 1000, \"x\": ", "x.json line 39: unknown field 'auto.x'")]
    [InlineData("auto", "\"criterion\": ", "\"criterion\": null, \"ignored\": ", "x.json line 40: unknown field 'auto.ignored'")]
    [InlineData("cdci-auto-both", "\"folds\": 2", "\"folds\": 1", "x.json: field 'selection.folds' must be at least 2; got 1")]
    public void Bad_version_2_content_is_refused_with_a_clear_message(string calibrator, string find, string replace, string? message)
    {
        var fitted = CalibrationFixture.Create(calibrator).Fit(CalibrationFixture.Data());
        string p = _dir.File("x.json");
        fitted.ToArtifact().Save(p);
        string text = File.ReadAllText(p);
        Assert.Contains(find, text);
        string edited = WithHash("x.json", System.Text.RegularExpressions.Regex.Replace(text, "\"sha256\": \"[0-9a-f]{64}\"", "\"sha256\": \"" + new string('0', 64) + "\"").Replace(find, replace, StringComparison.Ordinal));
        if (message is not null && message.Contains(" line ", StringComparison.Ordinal))
        {
            // The line of the edited key, wherever the record's layout puts it.
            int line = edited.Length == 0 ? 0 : File.ReadAllText(edited)[..File.ReadAllText(edited).IndexOf(replace, StringComparison.Ordinal)].Count(ch => ch == '\n') + 1;
            message = System.Text.RegularExpressions.Regex.Replace(message, @"line \d+", "line " + line);
        }

        if (message is null)
        {
            Assert.Equal(CalibratedOutput.Calibrated, CalibrationArtifact.Load(edited).Output); // 'tempered' is read as 'calibrated'
            return;
        }

        var ex = Assert.Throws<CalibrationArtifactException>(() => CalibrationArtifact.Load(edited));
        Assert.Equal(message, ex.Message);
    }

    [Fact]
    public void Missing_auto_record_or_candidate_keys_are_refused()
    {
        var fitted = CalibrationFixture.Create("auto").Fit(CalibrationFixture.Data());
        string p = _dir.File("x.json");
        fitted.ToArtifact().Save(p);
        string zeroed = System.Text.RegularExpressions.Regex.Replace(File.ReadAllText(p), "\"sha256\": \"[0-9a-f]{64}\"", "\"sha256\": \"" + new string('0', 64) + "\"");
        int start = zeroed.IndexOf("\"auto\": {", StringComparison.Ordinal);
        int end = zeroed.IndexOf("\"createdUtc\"", StringComparison.Ordinal);
        string noAuto = WithHash("y.json", zeroed[..start] + "\"auto\": null,\n  " + zeroed[end..]);
        Assert.Equal("y.json: method 'auto' needs the 'auto' record (what was chosen and why)", Assert.Throws<CalibrationArtifactException>(() => CalibrationArtifact.Load(noAuto)).Message);
        string noScore = WithHash("z.json", System.Text.RegularExpressions.Regex.Replace(zeroed, ",\\s*\"agreement\": [^\\n]*\\n", "\n", System.Text.RegularExpressions.RegexOptions.None, TimeSpan.FromSeconds(5)));
        Assert.Equal("z.json: missing or null field 'auto.candidates[0].agreement'", Assert.Throws<CalibrationArtifactException>(() => CalibrationArtifact.Load(noScore)).Message);
    }
}
