using System.Security.Cryptography;
using System.Text;
using CredalDistill.IO;

namespace CredalDistill.Cli.Tests;

/// <summary>Optional HMAC-SHA256 signing of calibration artifacts (<c>--sign-key</c>), docs/RELIABILITY.md section 7.</summary>
public sealed class SigningTests : IDisposable
{
    private readonly TempDirectory _dir = new();
    private readonly string _cloud;
    private readonly string _edge;

    public SigningTests()
    {
        var (cloud, edge, _) = TempDirectory.Synthetic(80, 3, seed: 21);
        _cloud = _dir.WriteMatrix("cloud.csv", cloud, 3);
        _edge = _dir.WriteMatrix("edge.csv", edge, 3);
        File.WriteAllBytes(_dir["key.bin"], Enumerable.Range(0, 32).Select(i => (byte)(i * 7)).ToArray());
        File.WriteAllBytes(_dir["other.bin"], Enumerable.Range(0, 32).Select(i => (byte)(i * 11)).ToArray());
    }

    public void Dispose() => _dir.Dispose();

    private string Calibrate(params string[] extra)
    {
        string cal = _dir["cal.json"];
        var run = CliRun.Invoke(["calibrate", "--cloud", _cloud, "--edge", _edge, "--out", cal, .. extra]);
        Assert.True(run.ExitCode == 0, run.ToString());
        return cal;
    }

    private CliRun Predict(string cal, params string[] extra) =>
        CliRun.Invoke(["predict", "--calibration", cal, "--edge", _edge, "--out", _dir["p.csv"], .. extra]);

    [Fact]
    public void Signed_artifact_verifies_with_its_key_and_is_refused_with_another_or_none_required()
    {
        string cal = Calibrate("--sign-key", _dir["key.bin"]);
        Assert.Contains("\"hmacSha256\"", File.ReadAllText(cal));
        Assert.Equal(0, Predict(cal, "--sign-key", _dir["key.bin"]).ExitCode);
        Assert.Equal(0, Predict(cal).ExitCode); // no key given: the signature is not checked

        var wrong = Predict(cal, "--sign-key", _dir["other.bin"]);
        Assert.True(wrong.ExitCode == 3, wrong.ToString());
        Assert.Contains("signature mismatch", wrong.Stderr);
        Assert.True(CalibrationArtifact.Load(cal, File.ReadAllBytes(_dir["key.bin"])).SignatureVerified);
    }

    [Fact]
    public void Edited_and_rechecksummed_signed_artifact_is_refused_but_passes_without_a_key()
    {
        string cal = Calibrate("--sign-key", _dir["key.bin"]);
        // A tamperer who knows the checksum rule but not the key.
        byte[] bytes = File.ReadAllBytes(cal);
        string text = Encoding.UTF8.GetString(bytes).Replace("\"epsilon\": 0.1", "\"epsilon\": 0.2", StringComparison.Ordinal);
        string sha = System.Text.Json.JsonDocument.Parse(text).RootElement.GetProperty("sha256").GetString()!;
        byte[] zeroed = Encoding.UTF8.GetBytes(text.Replace(sha, new string('0', 64), StringComparison.Ordinal));
        string fixedUp = text.Replace(sha, Convert.ToHexStringLower(SHA256.HashData(zeroed)), StringComparison.Ordinal);
        Assert.NotEqual(Encoding.UTF8.GetString(bytes), text);
        string tampered = _dir["tampered.json"];
        File.WriteAllText(tampered, fixedUp);

        Assert.Equal(0, Predict(tampered).ExitCode); // the checksum alone cannot detect it (documented)
        var run = Predict(tampered, "--sign-key", _dir["key.bin"]);
        Assert.True(run.ExitCode == 3, run.ToString());
        Assert.Contains("signature mismatch", run.Stderr);
    }

    [Fact]
    public void Unsigned_artifact_is_refused_when_a_key_is_given_and_short_keys_are_refused()
    {
        string cal = Calibrate();
        var run = Predict(cal, "--sign-key", _dir["key.bin"]);
        Assert.True(run.ExitCode == 3, run.ToString());
        Assert.Contains("not signed", run.Stderr);

        File.WriteAllBytes(_dir["short.bin"], [1, 2, 3]);
        var shortKey = CliRun.Invoke("calibrate", "--cloud", _cloud, "--edge", _edge, "--out", _dir["x.json"], "--sign-key", _dir["short.bin"]);
        Assert.True(shortKey.ExitCode == 3, shortKey.ToString());
        Assert.Contains("at least 16", shortKey.Stderr);
        Assert.False(File.Exists(_dir["x.json"]));
    }
}
